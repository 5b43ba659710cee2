import { type Envelope, type EventDefinition, parseEvent } from '@express-quote/contracts';
import type { JsMsg } from '@nats-io/jetstream';
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

export interface StreamSource {
  stream: string;
  /** Its checkpoint in eq_cli.replay_jobs. */
  job: string;
  startSeq: number;
  endSeq: number;
}

interface ReplayCommon {
  nats: NatsHandles;
  /** The pool (each batch commits on its own) or, for a swap's catch-up, the swap transaction. */
  db: AnyDb;
  /** True when `db` is already a transaction: batches are applied in it without committing. */
  inTransaction?: boolean;
  projection: ProjectionDefinition;
  target: TableRef;
  batchSize?: number;
  signal?: AbortSignal;
  progress?: Progress;
  /** Added to the progress count (what earlier runs of the job already did). */
  progressOffset?: number;
}

export interface StreamReplayOptions extends ReplayCommon, StreamSource {}

export interface StreamsReplayOptions extends ReplayCommon {
  sources: readonly StreamSource[];
}

export interface StreamsReplayOutcome extends Omit<ReplayOutcome, 'lastSeq'> {
  /** Per source, in the order given. */
  sources: Array<{ stream: string; read: number; lastSeq: number | null; completed: boolean }>;
}

/** One source's reader: its ordered consumer, pulled a quota of messages per batch. */
interface Reader {
  source: StreamSource;
  messages: AsyncGenerator<JsMsg>;
  read: number;
  lastSeq: number | null;
  done: boolean;
}

/**
 * Re-runs a projection over one or several streams' history at once: one ordered consumer per stream, and every
 * batch takes from each stream in proportion to what it has left, so the commands and the status events of the
 * same notifications meet in the same batch and their row is written once, whole (the folds are commutative: the
 * order between streams does not matter). Each batch is applied and checkpointed — every stream's position — in
 * one transaction (exactly once into the table); the next batch is read while the previous one is written.
 * Interrupted, it finishes the batch in hand and stops at a committed position.
 */
export const replayStreamsIntoProjection = async (
  options: StreamsReplayOptions,
): Promise<StreamsReplayOutcome> => {
  const started = performance.now();
  const { projection, target, nats } = options;
  const batchSize = options.batchSize ?? 10_000;
  const types = new Map<string, EventDefinition>(projection.events.map((d) => [d.type, d]));
  const outcome = { read: 0, events: 0, rowsChanged: 0, invalid: 0, completed: false, elapsedMs: 0 };
  const offset = options.progressOffset ?? 0;
  let committed = 0;

  const readers: Reader[] = options.sources.map((source) => ({
    source,
    messages: scanStream(nats.js, nats.jsm, source.stream, {
      startSeq: source.startSeq,
      endSeq: source.endSeq,
      ...(options.signal ? { signal: options.signal } : {}),
      batch: Math.min(10_000, batchSize * 2),
    }),
    read: 0,
    lastSeq: null,
    done: source.endSeq < source.startSeq,
  }));

  const write = async (events: Envelope[], positions: Array<{ job: string; seq: number; count: number }>) => {
    const run = async (trx: AnyDb) => {
      outcome.rowsChanged += events.length > 0 ? await projection.apply(trx, target, events) : 0;
      for (const p of positions) await advanceJob(trx, p.job, { seq: p.seq }, p.count);
    };
    if (options.inTransaction) await run(options.db);
    else
      await options.db.transaction().execute(async (trx) => {
        // A commit lost in a crash loses its checkpoint with it: the replay redoes that batch. No need to wait
        // for the WAL flush of every batch.
        await sql`set local synchronous_commit = off`.execute(trx);
        await run(trx);
      });
    committed += positions.reduce((n, p) => n + p.count, 0);
    options.progress?.update(offset + committed);
  };

  const take = (r: Reader, m: JsMsg, batch: Envelope[]) => {
    outcome.read++;
    r.read++;
    r.lastSeq = m.seq;
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
  };

  let pending: Promise<void> = Promise.resolve();
  let interrupted = false;
  try {
    while (readers.some((r) => !r.done)) {
      const left = readers.map((r) =>
        r.done ? 0 : Math.max(1, r.source.endSeq - Math.max(r.lastSeq ?? 0, r.source.startSeq - 1)),
      );
      const totalLeft = left.reduce((a, b) => a + b, 0);
      const batch: Envelope[] = [];
      const positions: Array<{ job: string; seq: number; count: number }> = [];
      for (const [i, r] of readers.entries()) {
        if (r.done) continue;
        // Every open reader takes at least one message per batch: its idle timer must not see a stall.
        const quota = Math.max(1, Math.round((batchSize * left[i]!) / totalLeft));
        let count = 0;
        while (count < quota) {
          const next = await r.messages.next();
          if (next.done) {
            r.done = true;
            break;
          }
          take(r, next.value, batch);
          count++;
          // Buffered messages resolve as microtasks: without a turn of the event loop now and then, the write in
          // flight (its pg replies are I/O callbacks) would wait for the whole batch to be parsed.
          if (count % 500 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
          if (options.signal?.aborted) break;
        }
        if (count > 0) positions.push({ job: r.source.job, seq: r.lastSeq!, count });
        if ((r.lastSeq ?? 0) >= r.source.endSeq) r.done = true;
        if (options.signal?.aborted) break;
      }
      await pending;
      if (positions.length > 0) {
        pending = write(batch, positions);
        // Awaited later; without a handler now a failure would be an unhandled rejection.
        pending.catch(() => {});
      }
      if (options.signal?.aborted) {
        interrupted = true;
        break;
      }
    }
  } finally {
    // Closes the ordered consumers of the readers left open (interrupted, or a failed write).
    await Promise.all(readers.map((r) => r.messages.return(undefined)));
  }
  await pending;
  const sources = readers.map((r) => ({
    stream: r.source.stream,
    read: r.read,
    lastSeq: r.lastSeq,
    completed: !interrupted && !options.signal?.aborted && (r.lastSeq ?? r.source.endSeq) >= r.source.endSeq,
  }));
  return {
    ...outcome,
    sources,
    completed: sources.every((s) => s.completed),
    elapsedMs: performance.now() - started,
  };
};

/** One stream's replay (see replayStreamsIntoProjection). */
export const replayStreamIntoProjection = async (options: StreamReplayOptions): Promise<ReplayOutcome> => {
  const { stream, job, startSeq, endSeq, ...common } = options;
  const { sources, ...outcome } = await replayStreamsIntoProjection({
    ...common,
    sources: [{ stream, job, startSeq, endSeq }],
  });
  return { ...outcome, lastSeq: sources[0]!.lastSeq };
};
