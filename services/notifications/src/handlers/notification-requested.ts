import type { EventOf, NotificationRequested } from '@express-quote/contracts';
import type { HandlerContext } from '@express-quote/messaging';
import type { NotificationsDb } from '../database.ts';
import { applyStatusEvent } from '../projections/notification-status-projection.ts';

/** notify.> → the notification exists (PENDING) with its recipient, template and attachments. */
export const handleNotificationRequested =
  (db: NotificationsDb) =>
  async (event: EventOf<typeof NotificationRequested>, ctx: HandlerContext): Promise<void> => {
    const { changed } = await applyStatusEvent(db, event);
    ctx.logger.debug({ notificationId: event.data.notificationId, changed }, 'status projection: requested');
  };
