import type { ColumnType, Generated, Kysely } from 'kysely';

/** Envelope fields that are not columns of their own. */
export interface EventMetadata {
  occurredAt: string;
  causationId: string;
  correlationId: string;
}

/** One row per stream: its current version is what optimistic concurrency compares against. */
export interface StreamsTable {
  stream_id: string;
  stream_type: string;
  version: number;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/**
 * pg returns int8 and xid8 as strings; we write them as strings too (bigint does not survive JSON or every
 * driver path), and convert to BigInt at the edge (stored-event.ts).
 */
type Int8 = ColumnType<string, string, string>;

export interface EventsTable {
  global_position: Generated<string>;
  /** The writing transaction's xid8, the first half of the gap-safe global order. */
  transaction_id: Generated<string>;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  version: number;
  /** Written as JSON text: pg would turn a top-level array into a Postgres array literal. */
  data: ColumnType<unknown, string, string>;
  metadata: ColumnType<EventMetadata, string, string>;
  created_at: Generated<Date>;
}

export interface CheckpointsTable {
  name: string;
  transaction_id: Int8;
  global_position: Int8;
  updated_at: Generated<Date>;
}

/** Tables of one event store, all inside the service's own Postgres schema (`db.withSchema(schema)`). */
export interface EventStoreDatabase {
  streams: StreamsTable;
  events: EventsTable;
  checkpoints: CheckpointsTable;
}

// Short enough that `eventstore_<schema>` stays a valid NOTIFY channel (63 bytes), and safe unquoted.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,39}$/;

/** Rejects names that are not plain lowercase identifiers, so they never need quoting tricks. */
export const assertSchemaName = (schema: string): string => {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(
      `invalid event store schema "${schema}": expected 1-40 lowercase letters, digits or _, not starting with a digit`,
    );
  }
  return schema;
};

/** The channel appends NOTIFY on commit, and readers LISTEN on. */
export const notifyChannel = (schema: string): string => `eventstore_${assertSchemaName(schema)}`;

// biome-ignore lint/suspicious/noExplicitAny: callers pass their own typed Kysely (or a transaction of it)
export const storeDb = (db: Kysely<any>, schema: string) =>
  (db as Kysely<EventStoreDatabase>).withSchema(schema);
