import { type HttpApp, HttpError, validate } from '@express-quote/service-kit';
import { z } from 'zod';
import type { NotificationsDb } from '../database.ts';
import { findNotification, listBookingNotifications } from '../projections/notification-queries.ts';

const Params = z.object({ id: z.uuid('the notification id must be a UUID') });
const Query = z.object({ bookingId: z.uuid('bookingId must be a UUID') });

/**
 * Support's first questions: what happened to this notification, and to every notification of this booking.
 * Internal API (behind the private network): recipients are shown in full, never logged.
 */
export const notificationRoutes = (db: NotificationsDb) => async (app: HttpApp) => {
  app.get('/api/notifications/:id', async (request) => {
    const { id } = validate(Params, request.params, 'notification id');
    const view = await findNotification(db, id);
    if (!view) throw new HttpError(404, 'not_found', `notification ${id} is unknown`);
    return view;
  });

  app.get('/api/notifications', async (request) => {
    const { bookingId } = validate(Query, request.query, 'query (expected ?bookingId=<uuid>)');
    const notifications = await listBookingNotifications(db, bookingId);
    if (notifications.length === 0) {
      throw new HttpError(404, 'not_found', `no notification is known for booking ${bookingId}`);
    }
    return { bookingId, notifications };
  });
};
