import type { EventOf, PaymentFailed } from '@express-quote/contracts';
import type { Logger } from 'pino';
import { type AbandonOutcome, abandonCheckout } from './abandon-checkout.ts';
import type { HandlerDeps } from './handler-deps.ts';

/** `payment.failed` → `quote.checkout_abandoned` (PAYMENT_FAILED); the quote can still be paid. */
export const handlePaymentFailed = (
  event: EventOf<typeof PaymentFailed>,
  deps: HandlerDeps,
  logger: Logger,
): Promise<AbandonOutcome> =>
  abandonCheckout(event, event.data, 'PAYMENT_FAILED', event.data.reason, deps, logger);
