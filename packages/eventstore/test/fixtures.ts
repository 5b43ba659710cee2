import { type Cause, createEvent, defineEvent } from '@express-quote/contracts';
import { createTestDatabase, type TestDatabase } from '@express-quote/testing';
import { z } from 'zod';
import { createEventStore, type EventStore, type EventStoreOptions, migrateEventStore } from '../src/index.ts';

/** Event types of a tiny ledger aggregate, registered like every real event so the store accepts them. */
export const EntryRecorded = defineEvent({
  type: 'ledger.entry_recorded',
  context: 'bookings',
  schema: z.object({ amountCents: z.number().int(), note: z.string().optional() }),
});

export const LedgerClosed = defineEvent({
  type: 'ledger.closed',
  context: 'bookings',
  schema: z.object({ reason: z.string().min(1) }),
});

const testCause: Cause = { externalId: 'evt_test' };

export const entry = (amountCents: number, cause: Cause = testCause) =>
  createEvent(EntryRecorded, { amountCents }, { cause });

export const entries = (count: number, from = 1) => Array.from({ length: count }, (_, i) => entry(from + i));

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
