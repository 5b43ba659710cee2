import { ContractViolation, type Namespace, parseEvent } from '@express-quote/contracts';
import { type DeadLetter, EqHeaders, listDeadLetters } from '@express-quote/messaging';
import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { type Kysely, sql } from 'kysely';
import { EVENT_STORE_SCHEMAS, tableExists } from '../db/catalog.ts';
import { contextStream, FLOW_CONTEXTS } from '../streams/names.ts';
import { scanStream } from '../streams/scan.ts';
import type { Hop, OutboxRow, Trace, TraceSubject } from './model.ts';

// biome-ignore lint/suspicious/noExplicitAny: reads the services' schemas
type AnyDb = Kysely<any>;

export interface CollectOptions {
  /** Only stream messages stored at or after this instant (default: the whole history). */
  since?: Date;
  signal?: AbortSignal;
}

interface StoreRow {
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  data: unknown;
  metadata: { occurredAt: string; correlationId: string; causationId: string };
  created_at: Date;
}

/** Events of the booking in the event stores: by correlation, and the booking's own stream. */
const readStores = async (
  db: AnyDb,
  subject: TraceSubject,
): Promise<Array<StoreRow & { schema: string }>> => {
  const out: Array<StoreRow & { schema: string }> = [];
  for (const schema of EVENT_STORE_SCHEMAS) {
    if (!(await tableExists(db, schema, 'events'))) continue;
    let query = db
      .withSchema(schema)
      .selectFrom('events')
      .select(['event_id', 'stream_id', 'stream_version', 'type', 'data', 'metadata', 'created_at']);
    const ids = subject.correlationIds;
    const bookingId = subject.bookingId;
    query = query.where((eb) =>
      eb.or([
        ...(ids.length > 0 ? [eb(sql`metadata->>'correlationId'`, 'in', ids)] : []),
        ...(bookingId
          ? [eb('stream_id', '=', `booking-${bookingId}`), eb(sql`data->>'bookingId'`, '=', bookingId)]
          : []),
      ]),
    );
    const rows = (await query.orderBy('global_position').execute()) as StoreRow[];
    out.push(...rows.map((r) => ({ ...r, schema })));
  }
  return out;
};

const textEncoder = new TextEncoder();

/** Does this message belong to the trace? The correlation header first (no JSON parsing for the rest). */
const matcher = (subject: TraceSubject) => {
  const correlations = new Set(subject.correlationIds);
  const bookingBytes = subject.bookingId ? Buffer.from(textEncoder.encode(subject.bookingId)) : null;
  return (m: JsMsg): boolean => {
    const header = m.headers?.get(EqHeaders.CorrelationId);
    if (header && correlations.has(header)) return true;
    const raw = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
    if (bookingBytes && raw.indexOf(bookingBytes) !== -1) {
      // Mentions the booking id: keep it when the envelope is about that booking (a later chain: a reminder).
      try {
        const e = JSON.parse(raw.toString('utf8')) as { data?: { bookingId?: unknown } };
        return e.data?.bookingId === subject.bookingId;
      } catch {
        return false;
      }
    }
    if (header) return false;
    // Published without our headers: only the payload can tell.
    try {
      const e = JSON.parse(raw.toString('utf8')) as { correlationId?: unknown };
      return typeof e.correlationId === 'string' && correlations.has(e.correlationId);
    } catch {
      return false;
    }
  };
};

const hopFromMessage = (m: JsMsg, label: string, streamName: string, ns: Namespace): Hop => {
  let raw: unknown;
  let invalid: string | null = null;
  let envelope: {
    id?: string;
    type?: string;
    occurredAt?: string;
    correlationId?: string;
    causationId?: string;
    data?: unknown;
  } = {};
  try {
    raw = m.json();
    try {
      envelope = parseEvent(raw);
    } catch (error) {
      invalid = error instanceof ContractViolation ? error.message : String(error);
      envelope = (raw ?? {}) as typeof envelope;
    }
  } catch {
    invalid = 'payload is not JSON';
  }
  return {
    eventId: typeof envelope.id === 'string' ? envelope.id : null,
    type:
      typeof envelope.type === 'string'
        ? envelope.type
        : (m.headers?.get(EqHeaders.Type) ?? ns.relative(m.subject)),
    stream: label,
    streamName,
    seq: m.seq,
    sequences: [m.seq],
    subject: ns.relative(m.subject),
    recordedAt: m.time.toISOString(),
    occurredAt: typeof envelope.occurredAt === 'string' ? envelope.occurredAt : null,
    correlationId:
      typeof envelope.correlationId === 'string'
        ? envelope.correlationId
        : (m.headers?.get(EqHeaders.CorrelationId) ?? null),
    causationId: typeof envelope.causationId === 'string' ? envelope.causationId : null,
    data: envelope.data ?? raw ?? null,
    store: null,
    deadLetters: [],
    invalid,
  };
};

/** Reads every source the engineer can reach and gathers the booking's hops, its DLQ entries and notifications. */
export const collectTrace = async (
  subject: TraceSubject,
  nats: { js: JetStreamClient; jsm: JetStreamManager; ns: Namespace },
  db: AnyDb | null,
  options: CollectOptions = {},
): Promise<Omit<Trace, 'notifications' | 'findings'> & { outbox: OutboxRow[]; statusRows: StatusRow[] }> => {
  const warnings: string[] = [];
  const hops = new Map<string, Hop>();
  const anonymous: Hop[] = [];

  const storeRows = db ? await readStores(db, subject) : [];
  for (const r of storeRows) {
    // A refund of the booking starts its own chain: follow it too.
    if (!subject.correlationIds.includes(r.metadata.correlationId))
      subject.correlationIds.push(r.metadata.correlationId);
  }

  const match = matcher(subject);
  const scanned: Trace['scanned'] = [];
  await Promise.all(
    FLOW_CONTEXTS.map(async (context) => {
      const ref = contextStream(nats.ns, context);
      let info: Awaited<ReturnType<JetStreamManager['streams']['info']>>;
      try {
        info = await nats.jsm.streams.info(ref.name);
      } catch {
        warnings.push(`stream ${ref.name} not found: not scanned`);
        return;
      }
      let messages = 0;
      let matched = 0;
      for await (const m of scanStream(nats.js, nats.jsm, ref.name, {
        endSeq: info.state.last_seq,
        ...(options.since ? { startTime: options.since } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      })) {
        messages++;
        if (!match(m)) continue;
        matched++;
        const hop = hopFromMessage(m, ref.label, ref.name, nats.ns);
        if (!hop.eventId) {
          anonymous.push(hop);
          continue;
        }
        const existing = hops.get(hop.eventId);
        if (existing) existing.sequences.push(m.seq);
        else hops.set(hop.eventId, hop);
      }
      scanned.push({
        stream: ref.label,
        from: info.state.messages > 0 ? info.state.first_seq : null,
        to: info.state.messages > 0 ? info.state.last_seq : null,
        messages,
        matched,
      });
    }),
  );

  for (const r of storeRows) {
    const store = { schema: r.schema, streamId: r.stream_id, version: r.stream_version };
    const hop = hops.get(r.event_id);
    if (hop) {
      hop.store = store;
      continue;
    }
    hops.set(r.event_id, {
      eventId: r.event_id,
      type: r.type,
      stream: null,
      streamName: null,
      seq: null,
      sequences: [],
      subject: null,
      recordedAt: new Date(r.created_at).toISOString(),
      occurredAt: r.metadata.occurredAt,
      correlationId: r.metadata.correlationId,
      causationId: r.metadata.causationId,
      data: r.data,
      store,
      deadLetters: [],
      invalid: null,
    });
  }

  const all = [...hops.values(), ...anonymous];
  await attachDeadLetters(nats, all, warnings);

  let outbox: OutboxRow[] = [];
  let statusRows: StatusRow[] = [];
  if (db) {
    const notificationIds = all
      .filter((h) => h.type.startsWith('notification.'))
      .map((h) => (h.data as { notificationId?: string } | null)?.notificationId)
      .filter((id): id is string => typeof id === 'string');
    outbox = await readOutbox(db, subject, warnings);
    statusRows = await readStatusRows(
      db,
      subject,
      [...new Set([...notificationIds, ...outbox.map((o) => o.notificationId)])],
      warnings,
    );
  } else {
    warnings.push(
      'DATABASE_URL not set: event stores, planned notifications and the status projection not read',
    );
  }

  all.sort((a, b) =>
    a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : (a.seq ?? 0) - (b.seq ?? 0),
  );
  scanned.sort(
    (a, b) =>
      FLOW_CONTEXTS.findIndex((c) => contextStream(nats.ns, c).label === a.stream) -
      FLOW_CONTEXTS.findIndex((c) => contextStream(nats.ns, c).label === b.stream),
  );
  return { subject, hops: all, warnings, scanned, outbox, statusRows };
};

const attachDeadLetters = async (
  nats: { jsm: JetStreamManager; ns: Namespace },
  hops: Hop[],
  warnings: string[],
) => {
  let entries: DeadLetter[];
  try {
    entries = await listDeadLetters(nats.jsm, nats.ns, { limit: Number.MAX_SAFE_INTEGER });
  } catch (error) {
    warnings.push(`dead letters not read: ${(error as Error).message}`);
    return;
  }
  const bySeq = new Map<string, Hop>();
  for (const h of hops)
    for (const seq of h.sequences) if (h.streamName) bySeq.set(`${h.streamName}:${seq}`, h);
  for (const e of entries) bySeq.get(`${e.stream}:${e.streamSequence}`)?.deadLetters.push(e);
};

export interface StatusRow {
  notification_id: string;
  booking_id: string | null;
  channel: string | null;
  template: string | null;
  recipient_kind: string | null;
  status: string;
  attempts: number;
  provider: string | null;
  last_error: string | null;
  retriable: boolean | null;
  requested_at: Date | null;
}

const readStatusRows = async (
  db: AnyDb,
  subject: TraceSubject,
  ids: string[],
  warnings: string[],
): Promise<StatusRow[]> => {
  if (!(await tableExists(db, 'notifications', 'notification_status'))) {
    warnings.push('notifications.notification_status not found: statuses folded from the streams only');
    return [];
  }
  if (ids.length === 0 && !subject.bookingId) return [];
  return (await db
    .withSchema('notifications')
    .selectFrom('notification_status')
    .select([
      'notification_id',
      'booking_id',
      'channel',
      'template',
      'recipient_kind',
      'status',
      'attempts',
      'provider',
      'last_error',
      'retriable',
      'requested_at',
    ])
    .where((eb) =>
      eb.or([
        ...(ids.length > 0 ? [eb('notification_id', 'in', ids)] : []),
        ...(subject.bookingId ? [eb('booking_id', '=', subject.bookingId)] : []),
      ]),
    )
    .execute()) as StatusRow[];
};

const readOutbox = async (db: AnyDb, subject: TraceSubject, warnings: string[]): Promise<OutboxRow[]> => {
  if (!(await tableExists(db, 'notifications', 'notification_outbox'))) {
    warnings.push(
      'notifications.notification_outbox not found: messages planned but not yet published are not shown',
    );
    return [];
  }
  const rows = await db
    .withSchema('notifications')
    .selectFrom('notification_outbox')
    .select([
      'notification_id',
      'channel',
      'template',
      sql<string | null>`recipient->>'kind'`.as('recipient_kind'),
      'status',
      'awaits_audience',
      'release_at',
      'created_at',
      'published_at',
    ])
    .where((eb) =>
      eb.or([
        ...(subject.correlationIds.length > 0 ? [eb('correlation_id', 'in', subject.correlationIds)] : []),
        ...(subject.bookingId ? [eb('booking_id', '=', subject.bookingId)] : []),
      ]),
    )
    .orderBy('created_at')
    .execute();
  const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : String(d));
  return rows.map((r) => ({
    notificationId: r.notification_id,
    channel: r.channel,
    template: r.template,
    recipientKind: r.recipient_kind,
    status: r.status,
    awaitsAudience: r.awaits_audience,
    releaseAt: iso(r.release_at),
    createdAt: iso(r.created_at),
    publishedAt: r.published_at ? iso(r.published_at) : null,
  }));
};
