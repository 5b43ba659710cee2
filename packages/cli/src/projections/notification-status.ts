import {
  type Envelope,
  NotificationDelivered,
  NotificationFailed,
  NotificationRequested,
  NotificationSending,
  NotificationSent,
  NotificationUndelivered,
} from '@express-quote/contracts';
import { type Kysely, sql } from 'kysely';
import { canonicalJson } from './canonical-json.ts';
import {
  deriveStatus,
  emptyFacts,
  mergeFact,
  type NotificationFacts,
  type StatusEvent,
} from './notification-facts.ts';
import type { ProjectionDefinition, TableRef } from './projection.ts';

// biome-ignore lint/suspicious/noExplicitAny: a transaction over the notifications schema
type AnyDb = Kysely<any>;

export const STATUS_EVENT_DEFINITIONS = [
  NotificationRequested,
  NotificationSending,
  NotificationSent,
  NotificationFailed,
  NotificationDelivered,
  NotificationUndelivered,
] as const;

const qualified = (t: TableRef) => sql.id(t.schema, t.table);

/**
 * Folds a batch into the status rows the way the service does (one locked row per notification, merged facts,
 * derived columns), but for the whole batch in three statements: create missing rows, lock and read them, write
 * the changed ones. Locking the rows makes it safe to run beside the live service on the live table.
 */
export const applyNotificationStatus = async (
  trx: AnyDb,
  target: TableRef,
  events: readonly Envelope[],
): Promise<number> => {
  const byId = new Map<string, StatusEvent[]>();
  for (const e of events) {
    const id = (e.data as { notificationId: string }).notificationId;
    const list = byId.get(id);
    if (list) list.push(e as StatusEvent);
    else byId.set(id, [e as StatusEvent]);
  }
  if (byId.size === 0) return 0;
  const ids = [...byId.keys()].sort();
  const empties = ids.map((id) => ({
    notification_id: id,
    status: 'PENDING',
    attempts: 0,
    updated_at: byId.get(id)![0]!.occurredAt,
    facts: emptyFacts(id),
  }));
  await sql`
    insert into ${qualified(target)} (notification_id, status, attempts, updated_at, facts)
    select x.notification_id, x.status, x.attempts, x.updated_at, x.facts
    from jsonb_to_recordset(${JSON.stringify(empties)}::jsonb)
      as x(notification_id uuid, status text, attempts int, updated_at timestamptz, facts jsonb)
    on conflict (notification_id) do nothing`.execute(trx);
  const { rows } = await sql<{ notification_id: string; facts: NotificationFacts }>`
    select notification_id, facts from ${qualified(target)}
    where notification_id = any(${ids}::uuid[])
    order by notification_id
    for update`.execute(trx);
  const changed: Record<string, unknown>[] = [];
  for (const row of rows) {
    const before = row.facts;
    let facts = before;
    for (const e of byId.get(row.notification_id) ?? []) facts = mergeFact(facts, e);
    if (canonicalJson(facts) === canonicalJson(before)) continue;
    const v = deriveStatus(facts);
    changed.push({
      notification_id: v.notificationId,
      booking_id: v.bookingId,
      channel: v.channel,
      template: facts.request?.template ?? null,
      recipient_kind: facts.request?.recipient.kind ?? null,
      status: v.status,
      attempts: v.attempts,
      provider: v.provider,
      provider_message_id: v.providerMessageId,
      last_error: v.lastError,
      retriable: v.retriable,
      requested_at: v.requestedAt,
      sending_at: v.sendingAt,
      sent_at: v.sentAt,
      failed_at: v.failedAt,
      delivered_at: v.deliveredAt,
      undelivered_at: v.undeliveredAt,
      updated_at: v.updatedAt,
      facts,
    });
  }
  if (changed.length === 0) return 0;
  await sql`
    update ${qualified(target)} as t set
      booking_id = x.booking_id, channel = x.channel, template = x.template, recipient_kind = x.recipient_kind,
      status = x.status, attempts = x.attempts, provider = x.provider, provider_message_id = x.provider_message_id,
      last_error = x.last_error, retriable = x.retriable, requested_at = x.requested_at, sending_at = x.sending_at,
      sent_at = x.sent_at, failed_at = x.failed_at, delivered_at = x.delivered_at,
      undelivered_at = x.undelivered_at, updated_at = x.updated_at, facts = x.facts
    from jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) as x(
      notification_id uuid, booking_id uuid, channel text, template text, recipient_kind text, status text,
      attempts int, provider text, provider_message_id text, last_error text, retriable boolean,
      requested_at timestamptz, sending_at timestamptz, sent_at timestamptz, failed_at timestamptz,
      delivered_at timestamptz, undelivered_at timestamptz, updated_at timestamptz, facts jsonb)
    where t.notification_id = x.notification_id`.execute(trx);
  return changed.length;
};

export const notificationStatusProjection: ProjectionDefinition = {
  name: 'notification-status',
  description:
    'notifications.notification_status: the status of every notification (PENDING → SENT/FAILED → DELIVERED), from the NOTIFY commands and NOTIFICATIONS status events',
  live: { schema: 'notifications', table: 'notification_status' },
  key: 'notification_id',
  sources: { kind: 'streams', contexts: ['notify', 'notifications'] },
  events: STATUS_EVENT_DEFINITIONS,
  apply: applyNotificationStatus,
  // The same facts arrive from the command and the status events: the stream order does not matter.
  sideEffectFree: true,
};
