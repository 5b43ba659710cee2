import type { BookingCancelled, EventOf } from '@express-quote/contracts';
import { DuplicateEventError, handleCommand } from '@express-quote/eventstore';
import type { Logger } from 'pino';
import { attributionTables } from '../database.ts';
import {
  type AttributionCommand,
  type AttributionEvent,
  type AttributionState,
  attributionDecider,
} from '../domain/attribution.ts';
import { attributionIdOf, attributionStream } from '../domain/ids.ts';
import { toEnvelopes } from '../event-envelopes.ts';
import type { AttributionDeps } from './handler-deps.ts';

export type CancelOutcome =
  | { kind: 'cancelled'; attributionId: string; previousStatus: string }
  | { kind: 'duplicate'; attributionId: string };

/**
 * booking.cancelled (refund or cancellation) → AttributionCancelled, and the round's deadline goes with it, in one
 * transaction: open links stop working (the page says the mission was cancelled). When the cancellation overtakes
 * the confirmation (they travel on different subjects), the cancellation is recorded first and the confirmation
 * then finds a cancelled attribution and proposes nothing.
 */
export const handleBookingCancelled = async (
  event: EventOf<typeof BookingCancelled>,
  deps: AttributionDeps,
  logger: Logger,
): Promise<CancelOutcome> => {
  const { bookingId, reference, reason } = event.data;
  const attributionId = attributionIdOf(bookingId);
  const streamId = attributionStream(attributionId);
  const now = deps.clock();
  try {
    const result = await deps.db.transaction().execute(async (trx) => {
      const appended = await handleCommand<AttributionCommand, AttributionEvent, AttributionState>({
        store: deps.store,
        streamId,
        decider: attributionDecider,
        trx,
        maxRetries: 5,
        command: {
          type: 'CancelAttribution',
          data: { attributionId, bookingId, reference, reason, now: now.toISOString() },
        },
        toEnvelopes: (events) => toEnvelopes(events, { cause: event, streamId, now, key: 'cancel' }),
      });
      await attributionTables(trx)
        .deleteFrom('deadlines')
        .where('attribution_id', '=', attributionId)
        .execute();
      return appended;
    });
    const cancelled = result.events[0];
    if (!cancelled) return { kind: 'duplicate', attributionId };
    const previousStatus = (cancelled.data as { previousStatus: string }).previousStatus;
    logger.info({ attributionId, bookingId, reason, previousStatus }, 'attribution cancelled');
    return { kind: 'cancelled', attributionId, previousStatus };
  } catch (error) {
    if (error instanceof DuplicateEventError) return { kind: 'duplicate', attributionId };
    throw error;
  }
};
