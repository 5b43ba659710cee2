import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: the CLI's own schema
type AnyDb = Kysely<any>;

/** The CLI's own schema: replay checkpoints, committed with the rows they cover. */
export const CLI_SCHEMA = 'eq_cli';

/** Where a replay stands in its source: a stream sequence, or the event store's (transaction, position) pair. */
export type JobPosition = { seq: number } | { transactionId: string; globalPosition: string };

export interface ReplayJob {
  job: string;
  position: JobPosition | null;
  processed: number;
  startedAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

export const ensureJobTable = async (db: AnyDb): Promise<void> => {
  // Two CLIs starting at once: the advisory lock keeps CREATE … IF NOT EXISTS from racing on the catalog.
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtextextended('eq-cli-schema', 0))`.execute(conn);
    try {
      await sql`create schema if not exists ${sql.id(CLI_SCHEMA)}`.execute(conn);
      await sql`
        create table if not exists ${sql.id(CLI_SCHEMA, 'replay_jobs')} (
          job text primary key,
          position jsonb,
          processed bigint not null default 0,
          started_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          completed_at timestamptz
        )`.execute(conn);
    } finally {
      await sql`select pg_advisory_unlock(hashtextextended('eq-cli-schema', 0))`.execute(conn);
    }
  });
};

const table = () => sql.id(CLI_SCHEMA, 'replay_jobs');

export const loadJob = async (db: AnyDb, job: string): Promise<ReplayJob | null> => {
  const { rows } = await sql<{
    job: string;
    position: JobPosition | null;
    processed: string;
    started_at: Date;
    updated_at: Date;
    completed_at: Date | null;
  }>`select * from ${table()} where job = ${job}`.execute(db);
  const r = rows[0];
  return r
    ? {
        job: r.job,
        position: r.position,
        processed: Number(r.processed),
        startedAt: r.started_at,
        updatedAt: r.updated_at,
        completedAt: r.completed_at,
      }
    : null;
};

export const startJob = async (db: AnyDb, job: string): Promise<void> => {
  await sql`
    insert into ${table()} (job, position, processed) values (${job}, null, 0)
    on conflict (job) do update set position = null, processed = 0, started_at = now(), updated_at = now(), completed_at = null`.execute(
    db,
  );
};

/** Saves the position in the caller's transaction, with the rows it covers. */
export const advanceJob = async (
  trx: AnyDb,
  job: string,
  position: JobPosition,
  processed: number,
): Promise<void> => {
  await sql`
    update ${table()} set position = ${JSON.stringify(position)}::jsonb, processed = processed + ${processed},
      updated_at = now() where job = ${job}`.execute(trx);
};

export const completeJob = async (db: AnyDb, job: string): Promise<void> => {
  await sql`update ${table()} set completed_at = now(), updated_at = now() where job = ${job}`.execute(db);
};

export const deleteJobs = async (db: AnyDb, jobs: readonly string[]): Promise<void> => {
  if (jobs.length === 0) return;
  await sql`delete from ${table()} where job = any(${[...jobs]}::text[])`.execute(db);
};
