import type { AttributionCancelled, EventOf } from '@express-quote/contracts';
import type { HandlerContext } from '@express-quote/messaging';
import type { NotificationsDb } from '../database.ts';
import { recordCancellation } from '../reminders/cancellations.ts';

/** attribution.cancelled → the assigned professional's day-of reminder is cancelled (or born cancelled). */
export const handleAttributionCancelled =
  (deps: { db: NotificationsDb; now: () => Date }) =>
  async (event: EventOf<typeof AttributionCancelled>, ctx: HandlerContext): Promise<void> => {
    const { attributionId, bookingId, reason, cancelledAt } = event.data;
    const result = await recordCancellation(
      deps.db,
      { scope: 'attribution', scopeId: attributionId, bookingId, reason, eventId: event.id, cancelledAt },
      deps.now(),
    );
    ctx.logger.info(
      { attributionId, bookingId, reason, ...result },
      'attribution cancelled: reminders cancelled',
    );
  };
