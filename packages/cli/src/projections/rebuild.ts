import { type Kysely, sql } from 'kysely';
import { CliError } from '../command.ts';
import type { NatsHandles } from '../connections.ts';
import { tableExists } from '../db/catalog.ts';
import type { Output } from '../io.ts';
import { createProgress } from '../progress.ts';
import { contextStream } from '../streams/names.ts';
import { streamInfo } from '../streams/scan.ts';
import { completeJob, deleteJobs, ensureJobTable, loadJob, startJob } from './jobs.ts';
import type { ProjectionDefinition, TableRef } from './projection.ts';
import { checkpointFromJob, countStoreEvents, replayStoreIntoProjection } from './replay-store.ts';
import {
  replayStreamIntoProjection,
  replayStreamsIntoProjection,
  type StreamSource,
} from './replay-stream.ts';
import { carryOver, countRows, createBeside, dropTable, swapTables } from './tables.ts';

// biome-ignore lint/suspicious/noExplicitAny: the services' schemas
type AnyDb = Kysely<any>;

export interface RebuildOptions {
  db: AnyDb;
  nats: NatsHandles | null;
  projection: ProjectionDefinition;
  keepOld: boolean;
  restart: boolean;
  signal: AbortSignal;
  err: Output;
  batchSize?: number;
  /** How long the swap may wait for the live table's lock before giving up (default 10 s). */
  lockTimeoutMs?: number;
  now?: () => Date;
}

export interface RebuildResult {
  completed: boolean;
  table: TableRef;
  rows: number;
  eventsRead: number;
  caughtUp: number;
  carriedOver: number;
  oldTable: TableRef | null;
  elapsedMs: number;
}

interface SourceJob {
  label: string;
  job: string;
  kind: 'stream' | 'store';
  /** Full stream name, or the event store schema. */
  source: string;
}

const jobsOf = (p: ProjectionDefinition, nats: NatsHandles | null): SourceJob[] => {
  if (p.sources.kind === 'store') {
    return [
      {
        label: `${p.sources.schema} event store`,
        job: `rebuild:${p.name}:store:${p.sources.schema}`,
        kind: 'store',
        source: p.sources.schema,
      },
    ];
  }
  if (!nats) throw new CliError(`${p.name} is rebuilt from streams: NATS_URL is needed`);
  return p.sources.contexts.map((c) => {
    const ref = contextStream(nats.ns, c);
    return {
      label: ref.label,
      job: `rebuild:${p.name}:stream:${ref.name}`,
      kind: 'stream' as const,
      source: ref.name,
    };
  });
};

const stampOf = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14);

/**
 * Rebuilds a read model without downtime: builds it beside the live table (`<table>_rebuild`, same shape) from the
 * whole history with progress and checkpoints (interrupt and run again to resume), then in ONE transaction locks
 * the live table, applies what arrived during the build, and swaps the tables. Readers and the live writer wait
 * only for that last transaction.
 */
export const rebuildProjection = async (options: RebuildOptions): Promise<RebuildResult> => {
  const started = performance.now();
  const { db, projection, err } = options;
  const live = projection.live;
  if (!(await tableExists(db, live.schema, live.table))) {
    throw new CliError(
      `${live.schema}.${live.table} does not exist: has its service started (it migrates its schema)?`,
    );
  }
  await ensureJobTable(db);
  const sources = jobsOf(projection, options.nats);
  const rebuilt: TableRef = { schema: live.schema, table: `${live.table}_rebuild` };
  const jobs = await Promise.all(sources.map((s) => loadJob(db, s.job)));
  const fresh =
    options.restart || !(await tableExists(db, rebuilt.schema, rebuilt.table)) || jobs.some((j) => !j);
  if (fresh) {
    await dropTable(db, rebuilt);
    await createBeside(db, live, rebuilt.table);
    for (const s of sources) await startJob(db, s.job);
    err.line(`building ${rebuilt.schema}.${rebuilt.table} beside ${live.schema}.${live.table}`);
  } else {
    err.line(`resuming the build of ${rebuilt.schema}.${rebuilt.table} from its checkpoints`);
  }

  let eventsRead = 0;
  const incomplete = (rows: number): RebuildResult => ({
    completed: false,
    table: rebuilt,
    rows,
    eventsRead,
    caughtUp: 0,
    carriedOver: 0,
    oldTable: null,
    elapsedMs: performance.now() - started,
  });
  const loaded = await Promise.all(sources.map(async (s) => ({ s, job: await loadJob(db, s.job) })));
  const pendingStreams = loaded.filter(({ s, job }) => s.kind === 'stream' && !job?.completedAt);
  if (pendingStreams.length > 0) {
    // All the streams in the same batches: a row gets its command and its status events in one write.
    const nats = options.nats!;
    const streamSources: StreamSource[] = [];
    let total = 0;
    let offset = 0;
    for (const { s, job } of pendingStreams) {
      const info = await streamInfo(nats.jsm, s.source);
      const after = job?.position && 'seq' in job.position ? job.position.seq : 0;
      const startSeq = Math.max(after + 1, info.state.first_seq);
      streamSources.push({ stream: s.source, job: s.job, startSeq, endSeq: info.state.last_seq });
      total += Math.max(0, info.state.last_seq - startSeq + 1) + (job?.processed ?? 0);
      offset += job?.processed ?? 0;
    }
    const progress = createProgress(
      err,
      `${pendingStreams.map(({ s }) => s.label).join(' + ')} → ${rebuilt.table}`,
      total,
    );
    const outcome = await replayStreamsIntoProjection({
      nats,
      db,
      projection,
      target: rebuilt,
      sources: streamSources,
      signal: options.signal,
      progress,
      progressOffset: offset,
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    });
    progress.finish();
    eventsRead += outcome.read;
    if (!outcome.completed) return incomplete(await countRows(db, rebuilt));
    for (const { s } of pendingStreams) await completeJob(db, s.job);
  }
  for (const { s, job } of loaded) {
    if (s.kind !== 'store' || job?.completedAt) continue;
    const after = checkpointFromJob(job?.position ?? null);
    const total = (await countStoreEvents(db, s.source, after)) + (job?.processed ?? 0);
    const progress = createProgress(err, `${s.label} → ${rebuilt.table}`, total);
    const outcome = await replayStoreIntoProjection({
      db,
      projection,
      storeSchema: s.source,
      target: rebuilt,
      job: s.job,
      after,
      signal: options.signal,
      progress,
      progressOffset: job?.processed ?? 0,
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    });
    progress.finish();
    eventsRead += outcome.read;
    if (!outcome.completed) return incomplete(await countRows(db, rebuilt));
    await completeJob(db, s.job);
  }

  err.line(`swapping ${rebuilt.table} in for ${live.table} (one transaction)`);
  const stamp = stampOf((options.now ?? (() => new Date()))());
  const swap = await db.transaction().execute(async (trx) => {
    await sql`select set_config('lock_timeout', ${`${options.lockTimeoutMs ?? 10_000}ms`}, true)`.execute(
      trx,
    );
    try {
      await sql`lock table ${sql.id(live.schema, live.table)} in access exclusive mode`.execute(trx);
    } catch (error) {
      throw new CliError(
        `could not lock ${live.schema}.${live.table} within ${options.lockTimeoutMs ?? 10_000} ms (${(error as Error).message}); the built table is kept: run again to retry the swap`,
      );
    }
    // What the live writer committed during the build: applied here, under the lock, so nothing falls between.
    let caughtUp = 0;
    let partialHistory = false;
    for (const s of sources) {
      const job = await loadJob(trx, s.job);
      if (s.kind === 'stream') {
        const nats = options.nats!;
        const info = await streamInfo(nats.jsm, s.source);
        // Messages aged out of the stream (limits): their rows can only come from the live table.
        if (info.state.first_seq > 1) partialHistory = true;
        const after = job?.position && 'seq' in job.position ? job.position.seq : 0;
        if (info.state.last_seq > after) {
          const outcome = await replayStreamIntoProjection({
            nats,
            db: trx,
            inTransaction: true,
            projection,
            stream: s.source,
            target: rebuilt,
            job: s.job,
            startSeq: after + 1,
            endSeq: info.state.last_seq,
          });
          caughtUp += outcome.read;
        }
      } else {
        const outcome = await replayStoreIntoProjection({
          db: trx,
          inTransaction: true,
          projection,
          storeSchema: s.source,
          target: rebuilt,
          job: s.job,
          after: checkpointFromJob(job?.position ?? null),
        });
        caughtUp += outcome.read;
      }
    }
    const carried = partialHistory ? await carryOver(trx, live, rebuilt, projection.key) : 0;
    const result = await swapTables(trx, live, rebuilt, { keepOld: options.keepOld, stamp });
    await deleteJobs(
      trx,
      sources.map((s) => s.job),
    );
    return { caughtUp, carried, oldTable: result.oldTable };
  });
  return {
    completed: true,
    table: live,
    rows: await countRows(db, live),
    eventsRead: eventsRead + swap.caughtUp,
    caughtUp: swap.caughtUp,
    carriedOver: swap.carried,
    oldTable: swap.oldTable,
    elapsedMs: performance.now() - started,
  };
};
