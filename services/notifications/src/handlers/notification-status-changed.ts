import type { HandlerContext } from '@express-quote/messaging';
import type { StatusEvent } from '@express-quote/read-models';
import type { StatusProjectionWriter } from '../projections/status-projection-writer.ts';

export type StatusChangedEvent = Exclude<StatusEvent, { type: 'notification.requested' }>;

/** notifications.> (sending, sent, failed, delivered, undelivered) → the status projection. */
export const handleNotificationStatusChanged =
  (projection: StatusProjectionWriter) =>
  async (
    event: Exclude<StatusEvent, { type: 'notification.requested' }>,
    ctx: HandlerContext,
  ): Promise<void> => {
    const { changed } = await projection.apply(event);
    ctx.logger.debug(
      { notificationId: event.data.notificationId, type: event.type, changed },
      'status projection: status event',
    );
  };
