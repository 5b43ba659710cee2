import { eventDefinition, upcast } from '@express-quote/contracts';
import { type Kysely, sql } from 'kysely';
import { storeDb } from './schema.ts';
import { type Checkpoint, fromRow, type StoredEvent } from './stored-event.ts';

// biome-ignore lint/suspicious/noExplicitAny: any service's typed Kysely, or a transaction of it
type AnyDb = Kysely<any>;

export interface ReadStreamOptions {
  /** First stream version to return (1 = from the start). */
  fromVersion?: number;
  /** Read inside the caller's transaction. */
  trx?: AnyDb;
}

/**
 * Events of one stream in version order. Events of a registered type written at an older schema version are
 * upcast to the current one, so deciders only ever fold current shapes.
 */
export const readStream = async (
  db: AnyDb,
  schema: string,
  streamId: string,
  options: ReadStreamOptions = {},
): Promise<StoredEvent[]> => {
  const rows = await storeDb(options.trx ?? db, schema)
    .selectFrom('events')
    .selectAll()
    .where('stream_id', '=', streamId)
    .where('stream_version', '>=', options.fromVersion ?? 1)
    .orderBy('stream_version')
    .execute();
  return rows.map((row) => {
    const event = fromRow(row);
    const def = eventDefinition(event.type);
    if (!def || event.version >= def.version) return event;
    return { ...event, version: def.version, data: upcast(def, event.version, event.data) };
  });
};

/** Current version of a stream; 0 when it does not exist. */
export const streamVersion = async (
  db: AnyDb,
  schema: string,
  streamId: string,
  options: { trx?: AnyDb } = {},
): Promise<number> => {
  const row = await storeDb(options.trx ?? db, schema)
    .selectFrom('streams')
    .select('version')
    .where('stream_id', '=', streamId)
    .executeTakeFirst();
  return row?.version ?? 0;
};

/**
 * Up to `limit` events after `after` in the gap-safe global order: by (transaction xid, global position).
 * Only rows written by transactions older than every transaction still running are visible, so an event
 * committed late by a slow transaction can never land behind a checkpoint a reader already saved. The order
 * keeps each stream's version order (append takes the stream lock before its transaction gets an xid) and
 * puts an event after every event its transaction could have read. Events are returned as stored (no
 * upcasting): the relay republishes history faithfully and consumers upcast with parseEvent.
 */
export const readAll = async (
  db: AnyDb,
  schema: string,
  after: Checkpoint | null,
  limit: number,
): Promise<StoredEvent[]> => {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`readAll: limit must be a positive integer`);
  let query = storeDb(db, schema)
    .selectFrom('events')
    .selectAll()
    .where(sql<boolean>`transaction_id < pg_snapshot_xmin(pg_current_snapshot())`);
  if (after) {
    query = query.where(
      sql<boolean>`(transaction_id, global_position) > (${after.transactionId.toString()}::xid8, ${after.globalPosition.toString()}::bigint)`,
    );
  }
  const rows = await query.orderBy('transaction_id').orderBy('global_position').limit(limit).execute();
  return rows.map(fromRow);
};
