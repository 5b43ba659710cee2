import {
  deriveStatus,
  emptyFacts,
  mergeFact,
  type NotificationFacts,
  type StatusEvent,
} from '@express-quote/read-models';
import type { NotificationsDb } from '../database.ts';

/**
 * Folds one command or status event into the `notification_status` row of its notification. The row is locked
 * while merging, so the two consumers (commands and status events) cannot lose each other's update; the merge is
 * idempotent and order-independent, so redeliveries and replays leave the row as it is.
 */
export const applyStatusEvent = (db: NotificationsDb, event: StatusEvent): Promise<{ changed: boolean }> =>
  db.transaction().execute(async (trx) => {
    const id = event.data.notificationId;
    const empty = emptyFacts(id);
    await trx
      .insertInto('notification_status')
      .values({
        notification_id: id,
        status: 'PENDING',
        attempts: 0,
        updated_at: event.occurredAt,
        facts: JSON.stringify(empty),
      })
      .onConflict((oc) => oc.column('notification_id').doNothing())
      .execute();
    const row = await trx
      .selectFrom('notification_status')
      .select('facts')
      .where('notification_id', '=', id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const before = row.facts as unknown as NotificationFacts;
    const facts = mergeFact(before, event);
    if (JSON.stringify(facts) === JSON.stringify(before)) return { changed: false };
    const view = deriveStatus(facts);
    await trx
      .updateTable('notification_status')
      .set({
        booking_id: view.bookingId,
        channel: view.channel,
        template: facts.request?.template ?? null,
        recipient_kind: facts.request?.recipient.kind ?? null,
        status: view.status,
        attempts: view.attempts,
        provider: view.provider,
        provider_message_id: view.providerMessageId,
        last_error: view.lastError,
        retriable: view.retriable,
        requested_at: view.requestedAt,
        sending_at: view.sendingAt,
        sent_at: view.sentAt,
        failed_at: view.failedAt,
        delivered_at: view.deliveredAt,
        undelivered_at: view.undeliveredAt,
        updated_at: view.updatedAt,
        facts: JSON.stringify(facts),
      })
      .where('notification_id', '=', id)
      .execute();
    return { changed: true };
  });
