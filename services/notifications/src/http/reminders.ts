import { type HttpApp, HttpError, validate } from '@express-quote/service-kit';
import { z } from 'zod';
import { isKnownBooking } from '../bookings/booking-snapshots.ts';
import type { NotificationsDb } from '../database.ts';
import { listBookingReminders } from '../reminders/reminder-queries.ts';

const Query = z.object({ bookingId: z.uuid('bookingId must be a UUID') });

/**
 * The reminders of a booking: scheduled, sent (with the notifications they published), skipped or cancelled, each
 * with its reason. Internal API, like /api/notifications: recipients in full, never logged.
 */
export const reminderRoutes = (db: NotificationsDb) => async (app: HttpApp) => {
  app.get('/api/reminders', async (request) => {
    const { bookingId } = validate(Query, request.query, 'query (expected ?bookingId=<uuid>)');
    const reminders = await listBookingReminders(db, bookingId);
    // A known booking may have none (confirmed an hour before its service); an unknown one is a 404.
    if (reminders.length === 0 && !(await isKnownBooking(db, bookingId))) {
      throw new HttpError(404, 'not_found', `booking ${bookingId} is unknown to the notifications service`);
    }
    return { bookingId, reminders };
  });
};
