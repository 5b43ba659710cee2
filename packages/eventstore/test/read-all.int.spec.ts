import { createTestDatabase, type TestDatabase, waitFor } from '@express-quote/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkpointOf,
  comparePositions,
  createEventStore,
  type EventStore,
  migrateEventStore,
  StaleTransactionError,
  type StoredEvent,
} from '../src/index.ts';
import { dropTestDatabase, entries, entry } from './fixtures.ts';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(() => dropTestDatabase(tdb));

/** A store of its own (its own schema) per test, so readAll(null) sees only that test's events. */
const freshStore = async (schema: string): Promise<EventStore> => {
  await migrateEventStore(tdb.db, schema);
  return createEventStore(tdb.db, { schema });
};

const ids = (events: StoredEvent[]) => events.map((e) => e.id);

describe('readAll', () => {
  it('pages through every committed event in (transaction, position) order', async () => {
    const store = await freshStore('paging');
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.append(`ledger-${i % 3}`, entries(1 + (i % 4)), { expectedVersion: 'any' }),
      ),
    );
    const all = await waitFor('all 20 events visible', async () => {
      const found = await store.readAll(null, 1_000);
      return found.length === 20 ? found : undefined;
    });
    expect([...all].sort(comparePositions)).toEqual(all);

    const paged: StoredEvent[] = [];
    let page = await store.readAll(null, 3);
    while (page.length > 0) {
      expect(page.length).toBeLessThanOrEqual(3);
      paged.push(...page);
      page = await store.readAll(checkpointOf(page.at(-1)!), 3);
    }
    expect(ids(paged)).toEqual(ids(all));
    // Within a stream the global order follows the stream order.
    for (const stream of ['ledger-0', 'ledger-1', 'ledger-2']) {
      const versions = all.filter((e) => e.streamId === stream).map((e) => e.streamVersion);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
    }
  });

  it('makes an append wait for its stream before taking an xid, so stream order survives contention', async () => {
    const store = await freshStore('contended');
    const first = await tdb.db.startTransaction().execute();
    let second: Promise<unknown> | undefined;
    try {
      const [a] = (await store.append('ledger-c', [entry(1)], { expectedVersion: 'any', trx: first })).events;
      second = store.append('ledger-c', [entry(2)], { expectedVersion: 'any' });
      // The waiting append holds no xid: had it taken one before waiting (as a row lock does), it could be
      // older than the winner's and sort before the winner's events despite its higher stream version.
      const waiting = await waitFor('the second append waiting for the stream', async () => {
        const { rows } = await sql<{ backend_xid: string | null }>`
          select backend_xid::text from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock' and wait_event = 'advisory'`.execute(
          tdb.db,
        );
        return rows.length === 1 ? rows[0] : undefined;
      });
      expect(waiting.backend_xid).toBeNull();
      await first.commit().execute();
      const [b] = ((await second) as Awaited<ReturnType<EventStore['append']>>).events;
      expect(b!.streamVersion).toBe(2);
      expect(b!.transactionId > a!.transactionId).toBe(true);
    } finally {
      if (!first.isCommitted) await first.rollback().execute();
      await second?.catch(() => {});
    }
  });

  it('refuses an append that would sort before earlier events of its stream', async () => {
    const store = await freshStore('stale');
    await sql`create table stale.refs (ref text primary key)`.execute(tdb.db);
    const early = await tdb.db.startTransaction().execute();
    try {
      // The caller's transaction writes first (it gets its xid now)…
      await early.withSchema('stale').insertInto('refs').values({ ref: 'R1' }).execute();
      // …a younger transaction appends to the stream and commits…
      await store.append('ledger-s', [entry(1)], { expectedVersion: 'no_stream' });
      // …so the older one may not append after it.
      await expect(
        store.append('ledger-s', [entry(2)], { expectedVersion: 'any', trx: early }),
      ).rejects.toBeInstanceOf(StaleTransactionError);
      // Nothing was written by the refused append: the caller can still commit its own rows.
      await early.commit().execute();
    } finally {
      if (!early.isCommitted) await early.rollback().execute();
    }
    expect((await store.readStream('ledger-s')).map((e) => e.data)).toEqual([{ amountCents: 1 }]);
    expect(await store.streamVersion('ledger-s')).toBe(1);
    // Appending first, then writing its own rows, is always fine.
    await tdb.db.transaction().execute(async (trx) => {
      await store.append('ledger-s', [entry(3)], { expectedVersion: 1, trx });
      await trx.withSchema('stale').insertInto('refs').values({ ref: 'R2' }).execute();
    });
    expect(await store.streamVersion('ledger-s')).toBe(2);
  });

  it('refuses a limit that is not a positive integer', async () => {
    const store = await freshStore('limits');
    await expect(store.readAll(null, 0)).rejects.toThrow(/limit/);
  });

  it('never skips an event whose transaction commits after later ones', async () => {
    const store = await freshStore('held_open');
    const [e1] = (await store.append('ledger-a', [entry(1)], { expectedVersion: 'no_stream' })).events;
    const slow = await tdb.db.startTransaction().execute();
    try {
      const [e2] = (await store.append('ledger-b', [entry(2)], { expectedVersion: 'no_stream', trx: slow }))
        .events;
      const [e3] = (await store.append('ledger-c', [entry(3)], { expectedVersion: 'no_stream' })).events;
      const [e4] = (await store.append('ledger-d', [entry(4)], { expectedVersion: 'no_stream' })).events;

      // The hazard: the slow event holds a lower position than events already committed after it, so a
      // cursor on global_position alone would read e3 and e4 now and never come back for e2.
      expect(e2!.globalPosition < e3!.globalPosition).toBe(true);
      const naive = await sql<{ global_position: string }>`
        select global_position from held_open.events where global_position > ${e1!.globalPosition.toString()}
        order by global_position`.execute(tdb.db);
      expect(naive.rows.map((r) => BigInt(r.global_position))).toEqual([
        e3!.globalPosition,
        e4!.globalPosition,
      ]);

      // readAll stops before the open transaction, however often it is asked.
      const before = await waitFor('e1 visible', async () => {
        const found = await store.readAll(null, 100);
        return found.length > 0 ? found : undefined;
      });
      expect(ids(before)).toEqual([e1!.id]);
      const advanced = checkpointOf(before.at(-1)!);
      expect(await store.readAll(advanced, 100)).toEqual([]);

      await slow.commit().execute();
      const after = await waitFor('the late event and the ones after it', async () => {
        const found = await store.readAll(advanced, 100);
        return found.length === 3 ? found : undefined;
      });
      expect(ids(after)).toEqual([e2!.id, e3!.id, e4!.id]);
    } finally {
      if (!slow.isCommitted) await slow.rollback().execute();
    }
  });

  it('moves on past a transaction that rolls back', async () => {
    const store = await freshStore('rolled_back');
    const slow = await tdb.db.startTransaction().execute();
    await store.append('ledger-x', [entry(1)], { expectedVersion: 'no_stream', trx: slow });
    const [later] = (await store.append('ledger-y', [entry(2)], { expectedVersion: 'no_stream' })).events;
    expect(await store.readAll(null, 100)).toEqual([]);
    await slow.rollback().execute();
    const found = await waitFor('the later event', async () => {
      const events = await store.readAll(null, 100);
      return events.length > 0 ? events : undefined;
    });
    expect(ids(found)).toEqual([later!.id]);
  });
});
