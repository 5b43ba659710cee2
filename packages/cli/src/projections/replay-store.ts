import { type Checkpoint, checkpointOf, createEventStore, toEnvelope } from '@express-quote/eventstore';
import { type Kysely, sql } from 'kysely';
import type { Progress } from '../progress.ts';
import { advanceJob, type JobPosition } from './jobs.ts';
import type { ProjectionDefinition, TableRef } from './projection.ts';
import type { ReplayOutcome } from './replay-stream.ts';

// biome-ignore lint/suspicious/noExplicitAny: the services' schemas
type AnyDb = Kysely<any>;

export const checkpointFromJob = (position: JobPosition | null): Checkpoint | null =>
  position && 'transactionId' in position
    ? { transactionId: BigInt(position.transactionId), globalPosition: BigInt(position.globalPosition) }
    : null;

/** Events stored after `after` (committed or not yet visible): the total of a progress bar. */
export const countStoreEvents = async (
  db: AnyDb,
  schema: string,
  after: Checkpoint | null,
): Promise<number> => {
  const { rows } = after
    ? await sql<{ n: string }>`select count(*) as n from ${sql.id(schema, 'events')}
        where (transaction_id, global_position) > (${after.transactionId.toString()}::xid8, ${after.globalPosition.toString()}::bigint)`.execute(
        db,
      )
    : await sql<{ n: string }>`select count(*) as n from ${sql.id(schema, 'events')}`.execute(db);
  return Number(rows[0]?.n ?? 0);
};

export interface StoreReplayOptions {
  db: AnyDb;
  inTransaction?: boolean;
  projection: ProjectionDefinition;
  storeSchema: string;
  target: TableRef;
  job: string;
  after: Checkpoint | null;
  batchSize?: number;
  signal?: AbortSignal;
  progress?: Progress;
  progressOffset?: number;
}

/**
 * Re-runs a projection over an event store's whole history in its gap-safe global order (readAll), each batch
 * applied and checkpointed in one transaction. Reads as the service's own rebuild does: events as stored.
 */
export const replayStoreIntoProjection = async (options: StoreReplayOptions): Promise<ReplayOutcome> => {
  const started = performance.now();
  const batchSize = options.batchSize ?? 2_000;
  const types = new Set(options.projection.events.map((d) => d.type));
  const outcome: ReplayOutcome = {
    read: 0,
    events: 0,
    rowsChanged: 0,
    invalid: 0,
    lastSeq: null,
    completed: false,
    elapsedMs: 0,
  };
  const store = createEventStore(options.db, { schema: options.storeSchema });
  let after = options.after;
  let done = options.progressOffset ?? 0;
  for (;;) {
    if (options.signal?.aborted) break;
    const batch = await store.readAll(after, batchSize);
    if (batch.length === 0) {
      outcome.completed = true;
      break;
    }
    const events = batch.filter((e) => types.has(e.type)).map(toEnvelope);
    const last = checkpointOf(batch.at(-1)!);
    const run = async (trx: AnyDb) => {
      outcome.rowsChanged +=
        events.length > 0 ? await options.projection.apply(trx, options.target, events) : 0;
      await advanceJob(
        trx,
        options.job,
        { transactionId: last.transactionId.toString(), globalPosition: last.globalPosition.toString() },
        batch.length,
      );
    };
    if (options.inTransaction) await run(options.db);
    else
      await options.db.transaction().execute(async (trx) => {
        await sql`set local synchronous_commit = off`.execute(trx);
        await run(trx);
      });
    outcome.read += batch.length;
    outcome.events += events.length;
    done += batch.length;
    options.progress?.update(done);
    after = last;
  }
  outcome.elapsedMs = performance.now() - started;
  return outcome;
};
