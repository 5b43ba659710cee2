import {
  deriveStatus,
  emptyFacts,
  mergeFact,
  type NotificationFacts,
  type StatusEvent,
} from '@express-quote/read-models';
import type { NotificationsDb } from '../database.ts';

/**
 * Folds commands and status events into the `notification_status` rows of their notifications, in one transaction
 * whatever the number of events: missing rows are created, every row concerned is locked (in id order, so two
 * instances cannot deadlock), the events are merged in the order given and the changed rows written back in one
 * statement. The merge is idempotent and order-independent, so redeliveries and replays leave the rows as they are.
 * Returns, per event, whether it changed its row.
 */
export const applyStatusEvents = async (
  db: NotificationsDb,
  events: readonly StatusEvent[],
): Promise<boolean[]> => {
  if (events.length === 0) return [];
  const firstSeen = new Map<string, string>();
  for (const e of events)
    if (!firstSeen.has(e.data.notificationId)) firstSeen.set(e.data.notificationId, e.occurredAt);
  const ids = [...firstSeen.keys()].sort();
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('notification_status')
      .values(
        ids.map((id) => ({
          notification_id: id,
          status: 'PENDING',
          attempts: 0,
          updated_at: firstSeen.get(id)!,
          facts: JSON.stringify(emptyFacts(id)),
        })),
      )
      .onConflict((oc) => oc.column('notification_id').doNothing())
      .execute();
    const rows = await trx
      .selectFrom('notification_status')
      .select(['notification_id', 'facts'])
      .where('notification_id', 'in', ids)
      .orderBy('notification_id')
      .forUpdate()
      .execute();
    const facts = new Map(rows.map((r) => [r.notification_id, r.facts as unknown as NotificationFacts]));
    const changedIds = new Set<string>();
    const changed = events.map((event) => {
      const id = event.data.notificationId;
      const before = facts.get(id)!;
      const after = mergeFact(before, event);
      if (JSON.stringify(after) === JSON.stringify(before)) return false;
      facts.set(id, after);
      changedIds.add(id);
      return true;
    });
    if (changedIds.size > 0) {
      await trx
        .insertInto('notification_status')
        .values([...changedIds].sort().map((id) => statusRow(id, facts.get(id)!)))
        .onConflict((oc) =>
          oc.column('notification_id').doUpdateSet((eb) => ({
            booking_id: eb.ref('excluded.booking_id'),
            channel: eb.ref('excluded.channel'),
            template: eb.ref('excluded.template'),
            recipient_kind: eb.ref('excluded.recipient_kind'),
            status: eb.ref('excluded.status'),
            attempts: eb.ref('excluded.attempts'),
            provider: eb.ref('excluded.provider'),
            provider_message_id: eb.ref('excluded.provider_message_id'),
            last_error: eb.ref('excluded.last_error'),
            retriable: eb.ref('excluded.retriable'),
            requested_at: eb.ref('excluded.requested_at'),
            sending_at: eb.ref('excluded.sending_at'),
            sent_at: eb.ref('excluded.sent_at'),
            failed_at: eb.ref('excluded.failed_at'),
            delivered_at: eb.ref('excluded.delivered_at'),
            undelivered_at: eb.ref('excluded.undelivered_at'),
            updated_at: eb.ref('excluded.updated_at'),
            facts: eb.ref('excluded.facts'),
          })),
        )
        .execute();
    }
    return changed;
  });
};

const statusRow = (id: string, facts: NotificationFacts) => {
  const view = deriveStatus(facts);
  return {
    notification_id: id,
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
  };
};
