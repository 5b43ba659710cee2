import {
  ContractViolation,
  type Envelope,
  EnvelopeSchema,
  eventDefinition,
  type RawEnvelope,
} from '@express-quote/contracts';
import { type Kysely, sql, type Transaction } from 'kysely';
import { z } from 'zod';
import {
  ConcurrencyError,
  DuplicateEventError,
  type ExpectedVersion,
  StaleTransactionError,
} from './errors.ts';
import { type EventStoreDatabase, notifyChannel, storeDb } from './schema.ts';
import type { StoredEvent } from './stored-event.ts';

export interface AppendOptions {
  expectedVersion: ExpectedVersion;
  /**
   * The caller's transaction, to append atomically with its own rows (e.g. a uniqueness row). Without it the
   * append runs in a transaction of its own. Append before the transaction's other writes, or a concurrent
   * append to the same stream can make it fail with StaleTransactionError. The stream stays locked until the
   * caller's transaction ends. A DuplicateEventError aborts the caller's transaction.
   */
  // biome-ignore lint/suspicious/noExplicitAny: the caller's transaction over its own typed database
  trx?: Transaction<any>;
  /** Recorded on the stream row; defaults to the stream id up to its first '-' (`booking-<uuid>` → `booking`). */
  streamType?: string;
}

export interface AppendResult {
  /** The stream's version after the append (the streamVersion of the last event). */
  nextVersion: number;
  events: StoredEvent[];
}

export interface AppendConfig {
  schema: string;
  /** SET LOCAL per append; null when the pool already sets it for every connection. */
  idleInTransactionTimeoutMs: number | null;
  /** Event types missing from the contracts registry are refused unless this is true. */
  allowUnregisteredTypes: boolean;
  /** NOTIFY the store's channel on commit. */
  notify: boolean;
}

const ExpectedVersionSchema = z.union([
  z.number().int().nonnegative(),
  z.literal('no_stream'),
  z.literal('any'),
]);
const StreamIdSchema = z.string().min(1).max(300);

const issuesOf = (error: z.ZodError): string[] =>
  error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);

/** Validates envelopes at the store's boundary; registered types also get their data schema checked. */
const validate = (
  streamId: string,
  events: readonly Envelope[],
  allowUnregistered: boolean,
): RawEnvelope[] => {
  if (events.length === 0) throw new ContractViolation(`append to ${streamId}: no events`);
  const seen = new Set<string>();
  return events.map((event, index) => {
    const parsed = EnvelopeSchema.safeParse(event);
    if (!parsed.success) {
      throw new ContractViolation(
        `append to ${streamId}: invalid envelope #${index}`,
        issuesOf(parsed.error),
      );
    }
    // Postgres hands uuids back in lowercase; keep ids in that canonical form from the start.
    const envelope = { ...parsed.data, id: parsed.data.id.toLowerCase() };
    if (envelope.streamId !== undefined && envelope.streamId !== streamId) {
      throw new ContractViolation(
        `append to ${streamId}: envelope #${index} belongs to stream ${envelope.streamId}`,
      );
    }
    if (seen.has(envelope.id)) {
      throw new ContractViolation(`append to ${streamId}: event id ${envelope.id} appears twice`);
    }
    seen.add(envelope.id);
    const def = eventDefinition(envelope.type);
    if (!def) {
      if (allowUnregistered) return envelope;
      throw new ContractViolation(`append to ${streamId}: unknown event type ${envelope.type}`);
    }
    if (envelope.version !== def.version) {
      throw new ContractViolation(
        `append to ${streamId}: ${envelope.type} must be written at its current version ${def.version}, got ${envelope.version}`,
      );
    }
    const data = def.schema.safeParse(envelope.data);
    if (!data.success) {
      throw new ContractViolation(
        `append to ${streamId}: invalid ${envelope.type} data`,
        issuesOf(data.error),
      );
    }
    return { ...envelope, data: data.data };
  });
};

const defaultStreamType = (streamId: string): string => {
  const dash = streamId.indexOf('-');
  return dash > 0 ? streamId.slice(0, dash) : streamId;
};

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}
const asPgError = (error: unknown): PgError =>
  typeof error === 'object' && error !== null ? (error as PgError) : {};

/** Moves the stream row to its new version, or returns undefined when the expected version does not hold. */
const advanceStream = async (
  db: ReturnType<typeof storeDb>,
  streamId: string,
  streamType: string,
  expected: ExpectedVersion,
  count: number,
): Promise<number | undefined> => {
  if (expected === 'any') {
    const row = await db
      .insertInto('streams')
      .values({ stream_id: streamId, stream_type: streamType, version: count })
      .onConflict((oc) =>
        oc
          .column('stream_id')
          .doUpdateSet({ version: sql`streams.version + ${count}`, updated_at: sql`now()` }),
      )
      .returning('version')
      .executeTakeFirst();
    return row?.version;
  }
  if (expected === 'no_stream' || expected === 0) {
    // ON CONFLICT instead of a unique violation: a conflict must not abort the caller's transaction.
    const row = await db
      .insertInto('streams')
      .values({ stream_id: streamId, stream_type: streamType, version: count })
      .onConflict((oc) => oc.column('stream_id').doNothing())
      .returning('version')
      .executeTakeFirst();
    return row?.version;
  }
  const row = await db
    .updateTable('streams')
    .set({ version: expected + count, updated_at: sql`now()` })
    .where('stream_id', '=', streamId)
    .where('version', '=', expected)
    .returning('version')
    .executeTakeFirst();
  return row?.version;
};

const appendInTransaction = async (
  trx: Kysely<EventStoreDatabase>,
  config: AppendConfig,
  streamId: string,
  envelopes: readonly RawEnvelope[],
  expected: ExpectedVersion,
  streamType: string,
): Promise<AppendResult> => {
  // Readers order events by the xid of their transaction, and Postgres hands out an xid at a transaction's
  // first write. Taking the stream's lock with an advisory lock (which needs no xid) before writing anything
  // makes an append's xid younger than that of every earlier append to the stream, so the global order keeps
  // each stream's version order. A row lock would not do: it takes an xid before waiting.
  // The timeout: an abandoned transaction holds back pg_snapshot_xmin and so stalls every reader.
  // The NOTIFY is queued now and delivered by Postgres on commit only, in the same round trip.
  const timeout = config.idleInTransactionTimeoutMs;
  const lockKey = `eventstore-stream:${config.schema}:${streamId}`;
  const { rows: locked } = await sql<{ xid: string | null }>`
    select ${timeout === null ? sql`null` : sql`set_config('idle_in_transaction_session_timeout', ${String(timeout)}, true)`},
      pg_advisory_xact_lock(hashtextextended(${lockKey}, 0)),
      ${config.notify ? sql`pg_notify(${notifyChannel(config.schema)}, '')` : sql`null`},
      pg_current_xact_id_if_assigned()::text as xid`.execute(trx);
  const db = storeDb(trx, config.schema);
  const earlyXid = locked[0]?.xid;
  if (earlyXid) {
    // The caller's transaction wrote before appending, so its xid predates the lock.
    const last = await db
      .selectFrom('events')
      .select('transaction_id')
      .where('stream_id', '=', streamId)
      .orderBy('stream_version', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (last && BigInt(last.transaction_id) > BigInt(earlyXid)) throw new StaleTransactionError(streamId);
  }
  const nextVersion = await advanceStream(db, streamId, streamType, expected, envelopes.length);
  if (nextVersion === undefined) {
    const current = await db
      .selectFrom('streams')
      .select('version')
      .where('stream_id', '=', streamId)
      .executeTakeFirst();
    throw new ConcurrencyError(streamId, expected, current?.version ?? 0);
  }
  const firstVersion = nextVersion - envelopes.length + 1;
  const rows = envelopes.map((e, i) => ({
    event_id: e.id,
    stream_id: streamId,
    stream_version: firstVersion + i,
    type: e.type,
    version: e.version,
    data: JSON.stringify(e.data),
    metadata: JSON.stringify({
      occurredAt: e.occurredAt,
      causationId: e.causationId,
      correlationId: e.correlationId,
    }),
  }));
  try {
    const inserted = await db
      .insertInto('events')
      .values(rows)
      .returning(['event_id', 'global_position', 'transaction_id'])
      .execute();
    // RETURNING order is not documented for multi-row inserts: match rows by id.
    const positions = new Map(inserted.map((r) => [r.event_id, r]));
    const stored = envelopes.map((e, i): StoredEvent => {
      const row = positions.get(e.id)!;
      return {
        ...e,
        streamId,
        streamVersion: firstVersion + i,
        globalPosition: BigInt(row.global_position),
        transactionId: BigInt(row.transaction_id),
      };
    });
    return { nextVersion, events: stored };
  } catch (error) {
    const pg = asPgError(error);
    if (pg.code === '23505' && pg.constraint === 'events_event_id_unique') {
      const reported = /\(event_id\)=\(([^)]+)\)/.exec(pg.detail ?? '')?.[1];
      throw new DuplicateEventError(streamId, reported ? [reported] : envelopes.map((e) => e.id));
    }
    throw error;
  }
};

export const appendToStream = async (
  // biome-ignore lint/suspicious/noExplicitAny: any service's typed Kysely
  db: Kysely<any>,
  config: AppendConfig,
  streamId: string,
  events: readonly Envelope[],
  options: AppendOptions,
): Promise<AppendResult> => {
  const id = StreamIdSchema.safeParse(streamId);
  if (!id.success) throw new ContractViolation('append: invalid stream id', issuesOf(id.error));
  const expected = ExpectedVersionSchema.safeParse(options.expectedVersion);
  if (!expected.success) {
    throw new ContractViolation(`append to ${streamId}: invalid expectedVersion`, issuesOf(expected.error));
  }
  const envelopes = validate(streamId, events, config.allowUnregisteredTypes);
  const streamType = options.streamType ?? defaultStreamType(streamId);
  const run = (trx: Kysely<EventStoreDatabase>) =>
    appendInTransaction(trx, config, streamId, envelopes, expected.data, streamType);
  if (options.trx) {
    if (!options.trx.isTransaction)
      throw new Error(`append to ${streamId}: options.trx is not a transaction`);
    return run(options.trx as unknown as Kysely<EventStoreDatabase>);
  }
  return (db as Kysely<EventStoreDatabase>).transaction().execute(run);
};
