import { type Cause, createEvent } from '@express-quote/contracts';
import { createTestDatabase, type TestDatabase, testDatabaseUrl, waitFor } from '@express-quote/testing';
import { sql } from 'kysely';
import pg from 'pg';
import {
  createEventStore,
  type EventStore,
  type EventStoreOptions,
  migrateEventStore,
  type StoredEvent,
} from '../src/index.ts';
import { EntryRecorded } from './ledger-events.ts';

const testCause: Cause = { externalId: 'evt_test' };

export const entry = (amountCents: number, cause: Cause = testCause) =>
  createEvent(EntryRecorded, { amountCents }, { cause });

export const entries = (count: number, from = 1) => Array.from({ length: count }, (_, i) => entry(from + i));

export { EntryRecorded, LedgerClosed } from './ledger-events.ts';

export const SCHEMA = 'ledger';

export interface StoreFixture {
  tdb: TestDatabase;
  store: EventStore;
}

/** A fresh database with the event store migrated into the `ledger` schema. */
export const setupStore = async (options: Partial<EventStoreOptions> = {}): Promise<StoreFixture> => {
  const tdb = await createTestDatabase();
  await migrateEventStore(tdb.db, SCHEMA);
  return { tdb, store: createEventStore(tdb.db, { schema: SCHEMA, ...options }) };
};

/** Settles every promise and sorts the outcomes, for "exactly one wins" assertions. */
export const settle = async <T>(promises: Promise<T>[]) => {
  const results = await Promise.allSettled(promises);
  return {
    fulfilled: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    rejected: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])),
  };
};

/**
 * Drops a test database once its sessions are really gone. TestDatabase.drop() runs DROP ... WITH (FORCE)
 * right after the pool's end() resolves, while closing sessions may still be alive: Postgres then kills them,
 * and the pool, which has no 'error' listener, raises an uncaught error in the test run.
 */
export const dropTestDatabase = async (tdb: TestDatabase | undefined): Promise<void> => {
  if (!tdb) return;
  await tdb.db.destroy();
  const admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  try {
    await waitFor(`sessions of ${tdb.name} closed`, async () => {
      const { rows } = await admin.query<{ n: number }>(
        'select count(*)::int as n from pg_stat_activity where datname = $1',
        [tdb.name],
      );
      return rows[0]?.n === 0;
    });
  } finally {
    await admin.end();
  }
  await tdb.drop();
};

/** Records what a relay publishes, and how often each event was attempted. */
export const captureRelay = (fail?: (event: StoredEvent, attempt: number) => boolean) => {
  const published: StoredEvent[] = [];
  const attempts = new Map<string, number>();
  return {
    published,
    attempts,
    publish: async (event: StoredEvent) => {
      const attempt = (attempts.get(event.id) ?? 0) + 1;
      attempts.set(event.id, attempt);
      if (fail?.(event, attempt)) throw new Error(`broker unavailable (attempt ${attempt})`);
      published.push(event);
    },
  };
};

/** Terminates the session holding the reader's leader lock, as a crashed process or a network cut would. */
export const killLeaderSession = async (tdb: TestDatabase): Promise<number> => {
  const { rows } = await sql<{ pid: number }>`
    select l.pid from pg_locks l join pg_stat_activity a on a.pid = l.pid
    where l.locktype = 'advisory' and l.granted and a.datname = current_database()`.execute(tdb.db);
  if (rows.length !== 1) throw new Error(`expected one leader session, found ${rows.length}`);
  await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(tdb.db);
  return rows[0]!.pid;
};

export const idsOf = (events: readonly StoredEvent[]): string[] => events.map((e) => e.id);
