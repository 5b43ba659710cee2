import { createTestDatabase, type TestDatabase, testLogger, waitFor } from '@express-quote/testing';
import { type Kysely, sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createEventStore,
  type EventStore,
  migrateEventStore,
  type StoredEvent,
  type Subscription,
  type SubscriptionOptions,
  startSubscription,
} from '../src/index.ts';
import { dropTestDatabase, entries, idsOf } from './fixtures.ts';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(() => dropTestDatabase(tdb));

const running: Subscription[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

const freshStore = async (schema: string): Promise<EventStore> => {
  await migrateEventStore(tdb.db, schema);
  await sql`create table ${sql.id(schema, 'balances')} (stream_id text primary key, cents bigint not null, entries int not null)`.execute(
    tdb.db,
  );
  return createEventStore(tdb.db, { schema });
};

const subscribe = async (
  store: EventStore,
  handler: SubscriptionOptions['handler'],
  extra: Partial<SubscriptionOptions> = {},
) => {
  const started = await startSubscription({
    db: tdb.db,
    schema: store.schema,
    name: 'balances',
    connection: tdb.url,
    handler,
    logger: testLogger('subscription'),
    retry: { initialMs: 5, maxMs: 20 },
    ...extra,
  });
  running.push(started);
  return started;
};

/** A read model: balance and entry count per stream. Not idempotent on its own, on purpose. */
const project =
  (schema: string) =>
  // biome-ignore lint/suspicious/noExplicitAny: the projection's own table
  async (db: Kysely<any>, event: StoredEvent) => {
    const cents = (event.data as { amountCents: number }).amountCents;
    await db
      .withSchema(schema)
      .insertInto('balances')
      .values({ stream_id: event.streamId, cents, entries: 1 })
      .onConflict((oc) =>
        oc.column('stream_id').doUpdateSet({
          cents: sql`balances.cents + excluded.cents`,
          entries: sql`balances.entries + 1`,
        }),
      )
      .execute();
  };

const balances = async (schema: string) =>
  (
    await tdb.db
      .withSchema(schema)
      .selectFrom('balances')
      .select(['stream_id', 'entries'])
      .select(sql<number>`cents::int`.as('cents'))
      .orderBy('stream_id')
      .execute()
  ).map((r) => ({ ...r }));

const expectedBalances = (events: StoredEvent[]) => {
  const byStream = new Map<string, { stream_id: string; cents: number; entries: number }>();
  for (const e of events) {
    const row = byStream.get(e.streamId) ?? { stream_id: e.streamId, cents: 0, entries: 0 };
    row.cents += (e.data as { amountCents: number }).amountCents;
    row.entries += 1;
    byStream.set(e.streamId, row);
  }
  return [...byStream.values()].sort((a, b) => (a.stream_id < b.stream_id ? -1 : 1));
};

const appendMany = (store: EventStore, count: number) =>
  Promise.all(
    Array.from({ length: count / 4 }, (_, i) =>
      store.append(`ledger-${i % 5}`, entries(4, i * 4), { expectedVersion: 'any' }),
    ),
  );

describe('subscription', () => {
  it('applies each event exactly once to a read model, even when a batch fails half-way', async () => {
    const store = await freshStore('projection');
    await appendMany(store, 120);
    const apply = project('projection');
    let failed = false;
    const batches: StoredEvent[][] = [];
    await subscribe(
      store,
      async (events, { db }) => {
        batches.push(events);
        for (const [i, event] of events.entries()) {
          await apply(db, event);
          // The first batch dies after writing half its rows: they must roll back with it.
          if (!failed && i === Math.floor(events.length / 2)) {
            failed = true;
            throw new Error('projection crashed');
          }
        }
      },
      { batchSize: 50 },
    );
    await waitFor('all events applied', async () => {
      const rows = await balances('projection');
      return rows.reduce((n, r) => n + r.entries, 0) === 120 || undefined;
    });
    expect(await balances('projection')).toEqual(expectedBalances(await store.readAll(null, 1_000)));
    expect(failed).toBe(true);
    expect(batches.every((b) => b.length <= 50)).toBe(true);
    // The failed batch was handed over again from its first event (possibly grown by newly visible events).
    expect(idsOf(batches[1]!).slice(0, batches[0]!.length)).toEqual(idsOf(batches[0]!));
  });

  it('resumes after a restart without applying anything twice', async () => {
    const store = await freshStore('resume');
    const apply = project('resume');
    await appendMany(store, 40);
    const first = await subscribe(store, async (events, { db }) => {
      for (const e of events) await apply(db, e);
    });
    await waitFor('first 40 applied', async () => (await first.lag()) === 0);
    await first.stop();
    await appendMany(store, 40);
    expect(await first.lag()).toBe(40);
    const second = await subscribe(store, async (events, { db }) => {
      for (const e of events) await apply(db, e);
    });
    await waitFor('next 40 applied', async () => (await second.lag()) === 0);
    expect(await balances('resume')).toEqual(expectedBalances(await store.readAll(null, 1_000)));
  });

  it('hands batches to a non-transactional handler in global order', async () => {
    const store = await freshStore('plain');
    await appendMany(store, 60);
    const seen: StoredEvent[] = [];
    const sub = await subscribe(
      store,
      async (events, { db }) => {
        expect(db.isTransaction).toBe(false);
        seen.push(...events);
      },
      { transactional: false, batchSize: 7 },
    );
    await waitFor('60 events handled', () => seen.length >= 60);
    expect(idsOf(seen)).toEqual(idsOf(await store.readAll(null, 1_000)));
    await waitFor('checkpoint saved after the last batch', async () => (await sub.lag()) === 0);
  });
});
