import type { Envelope } from '@express-quote/contracts';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import { type AppendOptions, type AppendResult, appendToStream } from './append.ts';
import { createAppendMetrics } from './append-metrics.ts';
import { type ReadStreamOptions, readAll, readStream, streamVersion } from './read.ts';
import { assertSchemaName } from './schema.ts';
import type { Checkpoint, StoredEvent } from './stored-event.ts';

export interface EventStoreOptions {
  /** The service's Postgres schema, migrated with migrateEventStore (e.g. `booking`). */
  schema: string;
  /**
   * Set with SET LOCAL at the start of every append transaction (default 10 000 ms), so a transaction left
   * open by a stuck caller is killed instead of stalling the global order for every reader. Pass null when
   * the pool already sets it for each connection, e.g.
   * `new pg.Pool({ options: '-c idle_in_transaction_session_timeout=10000' })`, to save one round trip.
   */
  idleInTransactionTimeoutMs?: number | null;
  /** Accept event types missing from the contracts registry (tests and tools only). Default false. */
  allowUnregisteredTypes?: boolean;
  /**
   * NOTIFY the store's channel in every append transaction, so the relay and subscriptions wake at once
   * instead of at their next poll. Default true. The price: Postgres serializes the commits of notifying
   * transactions (a global lock from pre-commit to the end of the WAL flush): interleaved runs at
   * concurrency 8 on the shared 2-core machine gave 20-60 % fewer appends per second with it (noisy). Turn it
   * off where append throughput matters more than the poll interval's latency.
   */
  notify?: boolean;
  /**
   * The service's metrics registry: appends then record `eq_eventstore_append_seconds{schema}` and
   * `eq_eventstore_append_conflicts_total{schema}`. Without it nothing is measured.
   */
  registry?: Registry;
}

export interface EventStore {
  readonly schema: string;
  // biome-ignore lint/suspicious/noExplicitAny: any service's typed Kysely
  readonly db: Kysely<any>;
  append(streamId: string, events: readonly Envelope[], options: AppendOptions): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  // biome-ignore lint/suspicious/noExplicitAny: the caller's transaction over its own typed database
  streamVersion(streamId: string, options?: { trx?: Kysely<any> }): Promise<number>;
  readAll(after: Checkpoint | null, limit: number): Promise<StoredEvent[]>;
}

// biome-ignore lint/suspicious/noExplicitAny: any service's typed Kysely
export const createEventStore = (db: Kysely<any>, options: EventStoreOptions): EventStore => {
  const schema = assertSchemaName(options.schema);
  const timeout =
    options.idleInTransactionTimeoutMs === undefined ? 10_000 : options.idleInTransactionTimeoutMs;
  if (timeout !== null && (!Number.isInteger(timeout) || timeout <= 0)) {
    throw new Error('idleInTransactionTimeoutMs must be a positive integer or null');
  }
  const appendConfig = {
    schema,
    idleInTransactionTimeoutMs: timeout,
    allowUnregisteredTypes: options.allowUnregisteredTypes ?? false,
    notify: options.notify ?? true,
  };
  const metrics = options.registry ? createAppendMetrics(options.registry, schema) : null;
  return {
    schema,
    db,
    append: (streamId, events, appendOptions) =>
      metrics
        ? metrics.timed(() => appendToStream(db, appendConfig, streamId, events, appendOptions))
        : appendToStream(db, appendConfig, streamId, events, appendOptions),
    readStream: (streamId, readOptions) => readStream(db, schema, streamId, readOptions),
    streamVersion: (streamId, versionOptions) => streamVersion(db, schema, streamId, versionOptions),
    readAll: (after, limit) => readAll(db, schema, after, limit),
  };
};
