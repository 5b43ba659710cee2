import type { EventOf, NotificationRequested } from '@express-quote/contracts';
import type { HandlerContext } from '@express-quote/messaging';
import type { StatusProjectionWriter } from '../projections/status-projection-writer.ts';

/** notify.> → the notification exists (PENDING) with its recipient, template and attachments. */
export const handleNotificationRequested =
  (projection: StatusProjectionWriter) =>
  async (event: EventOf<typeof NotificationRequested>, ctx: HandlerContext): Promise<void> => {
    const { changed } = await projection.apply(event);
    ctx.logger.debug({ notificationId: event.data.notificationId, changed }, 'status projection: requested');
  };
