import { type Cause, createEvent } from '@express-quote/contracts';
import { createTestDatabase, type TestDatabase, testDatabaseUrl, waitFor } from '@express-quote/testing';
import pg from 'pg';
import {
  createEventStore,
  type EventStore,
  type EventStoreOptions,
  migrateEventStore,
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
