import type { CheckoutExpired, EventOf } from '@express-quote/contracts';
import type { Logger } from 'pino';
import { type AbandonOutcome, abandonCheckout } from './abandon-checkout.ts';
import type { HandlerDeps } from './handler-deps.ts';

/** `checkout.expired` → `quote.checkout_abandoned` (CHECKOUT_EXPIRED); the quote can still be paid. */
export const handleCheckoutExpired = (
  event: EventOf<typeof CheckoutExpired>,
  deps: HandlerDeps,
  logger: Logger,
): Promise<AbandonOutcome> =>
  abandonCheckout(event, event.data, 'CHECKOUT_EXPIRED', 'la session de paiement a expiré', deps, logger);
