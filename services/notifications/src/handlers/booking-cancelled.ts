import type { BookingCancelled, EventOf } from '@express-quote/contracts';
import type { HandlerContext } from '@express-quote/messaging';
import type { NotificationsDb } from '../database.ts';
import { recordCancellation } from '../reminders/cancellations.ts';

/**
 * booking.cancelled (cancelled, or fully refunded) → every reminder of the booking, the customer's and the
 * professional's, is cancelled; reminders scheduled later for it (a confirmation overtaken by its cancellation)
 * are born cancelled.
 */
export const handleBookingCancelled =
  (deps: { db: NotificationsDb; now: () => Date }) =>
  async (event: EventOf<typeof BookingCancelled>, ctx: HandlerContext): Promise<void> => {
    const { bookingId, reason, cancelledAt } = event.data;
    const result = await recordCancellation(
      deps.db,
      { scope: 'booking', scopeId: bookingId, bookingId, reason, eventId: event.id, cancelledAt },
      deps.now(),
    );
    ctx.logger.info({ bookingId, reason, ...result }, 'booking cancelled: reminders cancelled');
  };
