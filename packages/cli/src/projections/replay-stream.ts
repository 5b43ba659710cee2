import { type Envelope, type EventDefinition, parseEvent } from '@express-quote/contracts';
import { type Kysely, sql } from 'kysely';
import type { NatsHandles } from '../connections.ts';
import type { Progress } from '../progress.ts';
import { scanStream } from '../streams/scan.ts';
import { advanceJob } from './jobs.ts';
import type { ProjectionDefinition, TableRef } from './projection.ts';

// biome-ignore lint/suspicious/noExplicitAny: the services' schemas
type AnyDb = Kysely<any>;

export interface ReplayOutcome {
  /** Source messages (or store events) read, of any type. */
  read: number;
  /** Events of the projection's types that were applied. */
  events: number;
  /** Rows written (an event that changes nothing writes nothing). */
  rowsChanged: number;
  /** Payloads that are not valid events of the projection's types (counted, never fatal: the live service terminated them). */
  invalid: number;
  /** Last source position read (sequence), or null when nothing was read. */
  lastSeq: number | null;
  /** False when interrupted before the end. */
  completed: boolean;
  elapsedMs: number;
}

export interface StreamReplayOptions {
  nats: NatsHandles;
  /** The pool (each batch commits on its own) or, for a swap's catch-up, the swap transaction. */
  db: AnyDb;
  /** True when `db` is already a transaction: batches are applied in it without committing. */
  inTransaction?: boolean;
  projection: ProjectionDefinition;
  stream: string;
  target: TableRef;
  job: string;
  startSeq: number;
  endSeq: number;
  batchSize?: number;
  signal?: AbortSignal;
  progress?: Progress;
  /** Added to the progress count (what earlier runs of the job already did). */
  progressOffset?: number;
}

/**
 * Re-runs a projection over a stream's history: ordered consumer from `startSeq` to `endSeq`, batches applied and
 * checkpointed in one transaction each (exactly once into the table), the next batch read while the previous one
 * is written. Interrupted, it finishes the batch in hand and stops at a committed position.
 */
export const replayStreamIntoProjection = async (options: StreamReplayOptions): Promise<ReplayOutcome> => {
  const started = performance.now();
  const { projection, target, job, nats } = options;
  const batchSize = options.batchSize ?? 10_000;
  const types = new Map<string, EventDefinition>(projection.events.map((d) => [d.type, d]));
  const outcome: ReplayOutcome = {
    read: 0,
    events: 0,
    rowsChanged: 0,
    invalid: 0,
    lastSeq: null,
    completed: false,
    elapsedMs: 0,
  };
  const offset = options.progressOffset ?? 0;
  let committed = 0;

  const write = async (events: Envelope[], lastSeq: number, count: number) => {
    const run = async (trx: AnyDb) => {
      outcome.rowsChanged += events.length > 0 ? await projection.apply(trx, target, events) : 0;
      await advanceJob(trx, job, { seq: lastSeq }, count);
    };
    if (options.inTransaction) await run(options.db);
    else
      await options.db.transaction().execute(async (trx) => {
        // A commit lost in a crash loses its checkpoint with it: the replay redoes that batch. No need to wait
        // for the WAL flush of every batch.
        await sql`set local synchronous_commit = off`.execute(trx);
        await run(trx);
      });
    committed += count;
    options.progress?.update(offset + committed);
  };

  let pending: Promise<void> = Promise.resolve();
  let batch: Envelope[] = [];
  let batchCount = 0;
  let batchLast = 0;
  const flush = async () => {
    const events = batch;
    const count = batchCount;
    const last = batchLast;
    batch = [];
    batchCount = 0;
    await pending;
    pending = write(events, last, count);
    // Awaited later; without a handler now a failure would be an unhandled rejection.
    pending.catch(() => {});
  };

  let interrupted = false;
  for await (const m of scanStream(nats.js, nats.jsm, options.stream, {
    startSeq: options.startSeq,
    endSeq: options.endSeq,
    ...(options.signal ? { signal: options.signal } : {}),
    batch: Math.min(10_000, batchSize * 2),
  })) {
    outcome.read++;
    batchCount++;
    batchLast = m.seq;
    outcome.lastSeq = m.seq;
    let raw: { type?: unknown };
    try {
      raw = m.json();
    } catch {
      outcome.invalid++;
      raw = {};
    }
    const def = typeof raw.type === 'string' ? types.get(raw.type) : undefined;
    if (def) {
      try {
        batch.push(parseEvent(raw, [def]));
        outcome.events++;
      } catch {
        outcome.invalid++;
      }
    }
    if (batchCount >= batchSize) await flush();
    if (options.signal?.aborted) {
      interrupted = true;
      break;
    }
  }
  if (batchCount > 0) await flush();
  await pending;
  outcome.completed =
    !interrupted && !options.signal?.aborted && (outcome.lastSeq ?? options.endSeq) >= options.endSeq;
  outcome.elapsedMs = performance.now() - started;
  return outcome;
};
