import type { Envelope } from '@express-quote/contracts';
import { DuplicateEventError, handleCommand } from '@express-quote/eventstore';
import type { Logger } from 'pino';
import { isDomainError } from '../domain/errors.ts';
import { type QuoteCommand, type QuoteEvent, type QuoteState, quoteDecider } from '../domain/quote.ts';
import { toEnvelopes } from '../event-envelopes.ts';
import { quoteIdOf, quoteStream } from '../streams.ts';
import type { HandlerDeps } from './handler-deps.ts';

export type AbandonOutcome = 'recorded' | 'unchanged' | 'unknown_quote';

/**
 * A checkout that failed or expired is recorded on its quote (for staff and funnels); the quote stays open so
 * the customer can pay with a new checkout.
 */
export const abandonCheckout = async (
  cause: Envelope,
  checkout: { temporaryId: string | null; checkoutSessionId: string },
  reason: 'PAYMENT_FAILED' | 'CHECKOUT_EXPIRED',
  detail: string,
  deps: HandlerDeps,
  logger: Logger,
): Promise<AbandonOutcome> => {
  if (!checkout.temporaryId) {
    logger.info({ reason }, 'checkout without temporaryId: no quote to record it on');
    return 'unknown_quote';
  }
  const streamId = quoteStream(quoteIdOf(checkout.temporaryId));
  const now = deps.clock();
  try {
    const result = await handleCommand<QuoteCommand, QuoteEvent, QuoteState>({
      store: deps.store,
      streamId,
      decider: quoteDecider,
      command: {
        type: 'RecordAbandonedCheckout',
        data: { checkoutSessionId: checkout.checkoutSessionId, reason, detail },
        metadata: { now },
      },
      toEnvelopes: (events) => toEnvelopes(events, { cause, streamId, now }),
    });
    return result.events.length > 0 ? 'recorded' : 'unchanged';
  } catch (error) {
    if (error instanceof DuplicateEventError) return 'unchanged';
    if (isDomainError(error, 'QUOTE_NOT_FOUND')) {
      logger.warn({ reason }, 'checkout of an unknown quote failed or expired; nothing to record');
      return 'unknown_quote';
    }
    throw error;
  }
};
