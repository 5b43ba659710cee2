import {
  type Envelope,
  NotificationDelivered,
  NotificationFailed,
  NotificationRequested,
  NotificationSending,
  NotificationSent,
  NotificationUndelivered,
} from '@express-quote/contracts';
import {
  deriveStatus,
  emptyFacts,
  mergeFact,
  type NotificationFacts,
  type StatusEvent,
} from '@express-quote/read-models';
import { type Kysely, sql } from 'kysely';
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

const FACT_KEYS = ['request', 'sending', 'sent', 'failed', 'delivered', 'undelivered', 'maxAttempt'] as const;

/** mergeFact keeps the very same object for a fact it did not replace: comparing references is enough. */
const changed = (before: NotificationFacts, after: NotificationFacts) =>
  FACT_KEYS.some((k) => before[k] !== after[k]);

const rowOf = (facts: NotificationFacts) => {
  const v = deriveStatus(facts);
  return {
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
  };
};

const RECORD = sql.raw(`x(
  notification_id uuid, booking_id uuid, channel text, template text, recipient_kind text, status text,
  attempts int, provider text, provider_message_id text, last_error text, retriable boolean,
  requested_at timestamptz, sending_at timestamptz, sent_at timestamptz, failed_at timestamptz,
  delivered_at timestamptz, undelivered_at timestamptz, updated_at timestamptz, facts jsonb)`);
const COLUMNS =
  sql.raw(`notification_id, booking_id, channel, template, recipient_kind, status, attempts, provider,
  provider_message_id, last_error, retriable, requested_at, sending_at, sent_at, failed_at, delivered_at,
  undelivered_at, updated_at, facts`);

/*
 * The request fact is most of a row (recipient, template data, ~1 KB): status events never replace it, and the
 * fold only reads its time and the few fields the derived columns show. So existing rows are read with a stub in
 * its place and written back as a patch of the facts that changed (`facts || patch` replaces whole top-level keys):
 * the stored facts are the same as a full rewrite, for half the bytes each way. A request that wins (an earlier
 * one) replaces the stub by reference, so it is in the patch whole.
 */
const REQUEST_STUB =
  sql.raw(`case when jsonb_typeof(facts->'request') = 'object' then jsonb_set(facts, '{request}',
  jsonb_build_object('at', facts#>'{request,at}', 'bookingId', facts#>'{request,bookingId}',
    'channel', facts#>'{request,channel}', 'template', facts#>'{request,template}',
    'recipient', jsonb_build_object('kind', facts#>'{request,recipient,kind}'))) else facts end`);

const lockRows = async (trx: AnyDb, target: TableRef, ids: string[]) =>
  new Map(
    (
      await sql<{ notification_id: string; facts: NotificationFacts }>`
        select notification_id, ${REQUEST_STUB} as facts from ${qualified(target)}
        where notification_id = any(${ids}::uuid[]) order by notification_id for update`.execute(trx)
    ).rows.map((r) => [r.notification_id, r.facts]),
  );

/** The derived columns of the folded facts, and only the facts that changed (see REQUEST_STUB). */
const patchOf = (before: NotificationFacts, after: NotificationFacts) => {
  const patch: Partial<NotificationFacts> = {};
  for (const k of FACT_KEYS) if (before[k] !== after[k]) Object.assign(patch, { [k]: after[k] });
  return { ...rowOf(after), facts: patch };
};

/**
 * Folds a batch into the status rows with the service's merge (services/notifications: one locked row per
 * notification, merged facts, derived columns), for the whole batch in a few statements: lock and read the
 * existing rows, insert the new ones whole, patch the changed ones. Each row is written at most once per batch. Locking the rows makes it safe beside the
 * live service on the live table: a row it creates meanwhile is locked, merged and updated instead.
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
  const fold = (start: NotificationFacts, id: string) => {
    let facts = start;
    for (const e of byId.get(id) ?? []) facts = mergeFact(facts, e);
    return facts;
  };
  const ids = [...byId.keys()].sort();
  const existing = await lockRows(trx, target, ids);
  const updates: ReturnType<typeof patchOf>[] = [];
  const inserts: ReturnType<typeof rowOf>[] = [];
  for (const id of ids) {
    const before = existing.get(id);
    if (!before) {
      inserts.push(rowOf(fold(emptyFacts(id), id)));
      continue;
    }
    const after = fold(before, id);
    if (changed(before, after)) updates.push(patchOf(before, after));
  }
  if (inserts.length > 0) {
    const { rows } = await sql<{ notification_id: string }>`
      insert into ${qualified(target)} (${COLUMNS})
      select ${COLUMNS} from jsonb_to_recordset(${JSON.stringify(inserts)}::jsonb) as ${RECORD}
      on conflict (notification_id) do nothing
      returning notification_id`.execute(trx);
    if (rows.length < inserts.length) {
      // Created by the live service since we looked: merge into its row like any other.
      const inserted = new Set(rows.map((r) => r.notification_id));
      const raced = inserts.map((r) => r.notification_id).filter((id) => !inserted.has(id));
      for (const [id, before] of await lockRows(trx, target, raced)) {
        const after = fold(before, id);
        if (changed(before, after)) updates.push(patchOf(before, after));
      }
    }
  }
  if (updates.length > 0) {
    await sql`
      update ${qualified(target)} as t set
        booking_id = x.booking_id, channel = x.channel, template = x.template, recipient_kind = x.recipient_kind,
        status = x.status, attempts = x.attempts, provider = x.provider, provider_message_id = x.provider_message_id,
        last_error = x.last_error, retriable = x.retriable, requested_at = x.requested_at, sending_at = x.sending_at,
        sent_at = x.sent_at, failed_at = x.failed_at, delivered_at = x.delivered_at,
        undelivered_at = x.undelivered_at, updated_at = x.updated_at, facts = t.facts || x.facts
      from jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) as ${RECORD}
      where t.notification_id = x.notification_id`.execute(trx);
  }
  return inserts.length + updates.length;
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
