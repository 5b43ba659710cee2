import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { eventsBehind, loadCheckpoint, saveCheckpoint } from './checkpoints.ts';
import { readAll } from './read.ts';
import { assertSchemaName, notifyChannel, storeDb } from './schema.ts';
import { type Checkpoint, checkpointOf, type StoredEvent } from './stored-event.ts';
import { pause, Wakeup } from './wakeup.ts';

// biome-ignore lint/suspicious/noExplicitAny: any service's typed Kysely
type AnyDb = Kysely<any>;

/** Settings shared by subscriptions and the relay. */
export interface ReaderSettings {
  /** The service's database: lag() and non-transactional handlers use it. */
  db: AnyDb;
  /**
   * Where the reader opens its own session (e.g. the service's DATABASE_URL): it holds the leader lock, LISTENs
   * for appends, reads and saves the checkpoint. A session of its own, outside the service's pool, so that its
   * loss is handled here (a pooled client that dies while checked out would crash the process) and the lock
   * and reads die together: a leader that lost its session cannot write a stale checkpoint.
   */
  connection: string | pg.ClientConfig;
  /** The event store's schema. */
  schema: string;
  /** Checkpoint name, unique per reader in the schema; also the leadership key. */
  name: string;
  logger: Logger;
  /** Events read per batch. Default 500. */
  batchSize?: number;
  /**
   * Wait when there is nothing to read. Appends wake the leader at once through LISTEN/NOTIFY (unless the
   * store was created with notify: false); polling covers the rest, e.g. events a notification arrived for
   * while an older transaction elsewhere still kept them invisible. Default 50 ms.
   */
  pollIntervalMs?: number;
  /** How often a standby instance tries to become leader. Default 1 000 ms. */
  standbyRetryMs?: number;
  /** Pause after a failed batch, doubling up to `maxMs`. Default 100 ms → 5 000 ms. */
  retry?: { initialMs?: number; maxMs?: number };
}

/** What a batch achieved: the first `processed` events are done; an error means the next one failed. */
export interface BatchOutcome {
  processed: number;
  /** The batch's own transaction already stored the checkpoint. */
  checkpointSaved?: boolean;
  failure?: { error: unknown };
}

export interface BatchContext {
  /** The leader's session: queries through it fail as soon as leadership (the session) is lost. */
  conn: AnyDb;
  schema: string;
  name: string;
  stopping(): boolean;
}

export type ProcessBatch = (events: StoredEvent[], context: BatchContext) => Promise<BatchOutcome>;

export interface CheckpointedReader {
  /**
   * Finishes the event in hand (a publish that never settles keeps it waiting: give publish a timeout), saves
   * the checkpoint, releases leadership and closes the reader's session. Call it before destroying `db`.
   */
  stop(): Promise<void>;
  /** Events not yet handled (after the saved checkpoint, including ones not yet visible). */
  lag(): Promise<number>;
  isLeader(): boolean;
}

const positiveInt = (value: number, what: string): number => {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${what} must be a positive integer`);
  return value;
};

/**
 * The gap-safe, checkpointed reader loop behind subscriptions and the relay. One leader per (schema, name):
 * a session advisory lock held by the reader's own session for as long as it leads; the other instances stay
 * standby and retry. The leader reads `readAll(checkpoint)` through that same session and hands batches to
 * `process`; it never moves past an event `process` did not finish.
 */
export const startCheckpointedReader = async (
  settings: ReaderSettings,
  process: ProcessBatch,
): Promise<CheckpointedReader> => {
  const { db, name } = settings;
  const schema = assertSchemaName(settings.schema);
  const batchSize = positiveInt(settings.batchSize ?? 500, 'batchSize');
  const pollIntervalMs = positiveInt(settings.pollIntervalMs ?? 50, 'pollIntervalMs');
  const standbyRetryMs = positiveInt(settings.standbyRetryMs ?? 1_000, 'standbyRetryMs');
  const retryInitialMs = positiveInt(settings.retry?.initialMs ?? 100, 'retry.initialMs');
  const retryMaxMs = positiveInt(settings.retry?.maxMs ?? 5_000, 'retry.maxMs');
  if (name.length === 0) throw new Error('reader name must not be empty');
  const logger = settings.logger.child({ reader: name, schema });
  // Fail at start, with a clear message, when the store was never migrated.
  try {
    await storeDb(db, schema).selectFrom('checkpoints').select('name').limit(1).execute();
  } catch (error) {
    throw new Error(`event store schema "${schema}" is not usable (was migrateEventStore run?)`, {
      cause: error,
    });
  }

  const lockKey = `eventstore-reader:${schema}:${name}`;
  const stopper = new AbortController();
  const signal = stopper.signal;
  const wakeup = new Wakeup();
  const channel = notifyChannel(schema);
  const config =
    typeof settings.connection === 'string' ? { connectionString: settings.connection } : settings.connection;
  const pool = new pg.Pool({
    ...config,
    max: 1,
    application_name: config.application_name ?? `eventstore ${name}`,
  });
  pool.on('connect', (client) => {
    client.on('notification', (message) => {
      if (message.channel === channel) wakeup.wake();
    });
    // Without a listener a session killed while idle would be an uncaught 'error'; the next query on it
    // fails and the loop starts over with a fresh session.
    client.on('error', (error) => logger.warn({ err: error }, 'reader session lost'));
  });
  pool.on('error', (error) => logger.warn({ err: error }, 'idle reader session lost'));
  const own: AnyDb = new Kysely({ dialect: new PostgresDialect({ pool }) });
  let leader = false;

  const lead = async (conn: AnyDb) => {
    await sql`listen ${sql.id(channel)}`.execute(conn);
    let checkpoint: Checkpoint | null = await loadCheckpoint(conn, schema, name);
    let failures = 0;
    const context: BatchContext = { conn, schema, name, stopping: () => signal.aborted };
    while (!signal.aborted) {
      const events = await readAll(conn, schema, checkpoint, batchSize);
      if (events.length === 0) {
        await wakeup.wait(pollIntervalMs, signal);
        continue;
      }
      let outcome: BatchOutcome;
      try {
        outcome = await process(events, context);
      } catch (error) {
        outcome = { processed: 0, failure: { error } };
      }
      if (outcome.processed > 0) {
        checkpoint = checkpointOf(events[outcome.processed - 1]!);
        if (!outcome.checkpointSaved) await saveCheckpoint(conn, schema, name, checkpoint);
      }
      if (outcome.failure) {
        failures++;
        const delayMs = Math.min(retryInitialMs * 2 ** (failures - 1), retryMaxMs);
        const failed = events[outcome.processed];
        logger.warn(
          { err: outcome.failure.error, eventId: failed?.id, eventType: failed?.type, failures, delayMs },
          'event handling failed; retrying the same event after a pause',
        );
        await pause(delayMs, signal);
      } else {
        failures = 0;
      }
    }
  };

  const run = async () => {
    while (!signal.aborted) {
      try {
        await own.connection().execute(async (conn) => {
          const { rows } = await sql<{
            locked: boolean;
          }>`select pg_try_advisory_lock(hashtextextended(${lockKey}, 0)) as locked`.execute(conn);
          if (!rows[0]?.locked) return;
          leader = true;
          logger.info('reader is leader');
          try {
            await lead(conn);
          } finally {
            leader = false;
            // The session stays open for standby retries: leave it without the lock and the subscription.
            await sql`select pg_advisory_unlock(hashtextextended(${lockKey}, 0))`
              .execute(conn)
              .then(() => sql`unlisten *`.execute(conn))
              .catch((error: unknown) => logger.warn({ err: error }, 'could not release reader lock'));
          }
        });
      } catch (error) {
        logger.error({ err: error }, 'reader failed; will try to lead again');
      }
      if (!signal.aborted) await pause(standbyRetryMs, signal);
    }
  };

  const running = run();
  return {
    async stop() {
      stopper.abort();
      wakeup.wake();
      await running;
      await own.destroy();
    },
    lag: () => eventsBehind(db, schema, name),
    isLeader: () => leader,
  };
};
