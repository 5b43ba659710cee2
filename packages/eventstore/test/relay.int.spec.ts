import { createTestDatabase, type TestDatabase, testLogger, waitFor } from '@express-quote/testing';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createEventStore,
  type EventStore,
  migrateEventStore,
  notifyChannel,
  type Relay,
  startRelay,
} from '../src/index.ts';
import { captureRelay, dropTestDatabase, entries, idsOf, killLeaderSession } from './fixtures.ts';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(() => dropTestDatabase(tdb));

const running: Relay[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});

const freshStore = async (schema: string): Promise<EventStore> => {
  await migrateEventStore(tdb.db, schema);
  return createEventStore(tdb.db, { schema });
};

const relay = async (store: EventStore, publish: Parameters<typeof startRelay>[0]['publish'], extra = {}) => {
  const started = await startRelay({
    store,
    connection: tdb.url,
    publish,
    logger: testLogger('relay'),
    retry: { initialMs: 5, maxMs: 20 },
    standbyRetryMs: 50,
    ...extra,
  });
  running.push(started);
  return started;
};

/** Appends `count` events as concurrent 5-event transactions spread over 8 streams. */
const appendMany = (store: EventStore, count: number) =>
  Promise.all(
    Array.from({ length: count / 5 }, (_, i) =>
      store.append(`ledger-${i % 8}`, entries(5, i * 5), { expectedVersion: 'any' }),
    ),
  );

const everything = async (store: EventStore) => store.readAll(null, 100_000);

describe('relay', () => {
  it('publishes every committed event once, in commit order, woken by the appends', async () => {
    const store = await freshStore('in_order');
    const sink = captureRelay();
    // A one-minute poll: only notifications can make this test finish in time. The appends notify, but an
    // unrelated transaction elsewhere on the server can keep their events invisible at that moment, so the
    // probe keeps notifying as later appends would.
    await relay(store, sink.publish, { pollIntervalMs: 60_000 });
    await appendMany(store, 200);
    await waitFor('200 events published', async () => {
      await sql`select pg_notify(${notifyChannel('in_order')}, '')`.execute(tdb.db);
      return sink.published.length >= 200;
    });
    const all = await everything(store);
    expect(all).toHaveLength(200);
    expect(idsOf(sink.published)).toEqual(idsOf(all));
    for (let stream = 0; stream < 8; stream++) {
      const versions = sink.published
        .filter((e) => e.streamId === `ledger-${stream}`)
        .map((e) => e.streamVersion);
      expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
    }
  });

  it('finds events by polling when appends do not notify', async () => {
    await freshStore('polling');
    const quiet = createEventStore(tdb.db, { schema: 'polling', notify: false });
    const sink = captureRelay();
    await relay(quiet, sink.publish, { pollIntervalMs: 20 });
    await appendMany(quiet, 20);
    await waitFor('20 events published', () => sink.published.length >= 20);
    expect(idsOf(sink.published)).toEqual(idsOf(await everything(quiet)));
  });

  it('retries the same event while publishing fails, never skipping it', async () => {
    const store = await freshStore('flaky_broker');
    await appendMany(store, 20);
    const all = await waitFor('20 events visible', async () => {
      const found = await everything(store);
      return found.length === 20 ? found : undefined;
    });
    const failing = all[7]!.id;
    const sink = captureRelay((event, attempt) => event.id === failing && attempt <= 3);
    await relay(store, sink.publish, { batchSize: 50 });
    await waitFor('20 events published', () => sink.published.length >= 20);
    expect(idsOf(sink.published)).toEqual(idsOf(all));
    expect(sink.attempts.get(failing)).toBe(4);
    // Events before the failure were checkpointed, so the retry did not resend them.
    expect([...sink.attempts.entries()].filter(([id, n]) => id !== failing && n !== 1)).toEqual([]);
  });

  it('resumes from its checkpoint after a restart and reports its lag', async () => {
    const store = await freshStore('restart');
    await appendMany(store, 30);
    const first = captureRelay();
    const r1 = await relay(store, first.publish);
    await waitFor('30 events published', () => first.published.length >= 30);
    await r1.stop();
    expect(await r1.lag()).toBe(0);

    await appendMany(store, 20);
    expect(await r1.lag()).toBe(20);
    const second = captureRelay();
    const r2 = await relay(store, second.publish);
    await waitFor('20 more events published', () => second.published.length >= 20);
    await waitFor('lag back to 0', async () => (await r2.lag()) === 0);
    expect(idsOf([...first.published, ...second.published])).toEqual(idsOf(await everything(store)));
  });

  it('lets only one of two relays lead; the standby takes over when the leader stops', async () => {
    const store = await freshStore('two_relays');
    const a = captureRelay();
    const b = captureRelay();
    const ra = await relay(store, a.publish);
    const rb = await relay(store, b.publish);
    await waitFor('a leader', () => ra.isLeader() || rb.isLeader());
    await appendMany(store, 50);
    await waitFor('50 events published', () => a.published.length + b.published.length >= 50);
    const [leader, leaderSink, standby, standbySink] = ra.isLeader() ? [ra, a, rb, b] : [rb, b, ra, a];
    expect(leaderSink.published).toHaveLength(50);
    expect(standbySink.published).toHaveLength(0);
    expect(standby.isLeader()).toBe(false);

    await leader.stop();
    await appendMany(store, 20);
    await waitFor('the standby publishes the next 20', () => standbySink.published.length >= 20);
    expect(standby.isLeader()).toBe(true);
    expect(leaderSink.published).toHaveLength(50);
    expect(idsOf([...leaderSink.published, ...standbySink.published])).toEqual(
      idsOf(await everything(store)),
    );
  });

  it('survives the loss of its session and carries on from the checkpoint', async () => {
    const store = await freshStore('session_lost');
    const sink = captureRelay();
    const r = await relay(store, sink.publish);
    await appendMany(store, 25);
    await waitFor('25 events published', () => sink.published.length >= 25);
    await killLeaderSession(tdb);
    await appendMany(store, 25);
    await waitFor('25 more published after reconnecting', () => sink.published.length >= 50);
    expect(r.isLeader()).toBe(true);
    expect(idsOf(sink.published)).toEqual(idsOf(await everything(store)));
  });

  it('refuses a store that was never migrated, and bad settings', async () => {
    const store = createEventStore(tdb.db, { schema: 'never_migrated' });
    await expect(relay(store, async () => {})).rejects.toThrow(/migrateEventStore/);
    const migrated = await freshStore('settings');
    await expect(relay(migrated, async () => {}, { batchSize: 0 })).rejects.toThrow(/batchSize/);
  });
});
