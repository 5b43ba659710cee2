import { eventDefinition } from '@express-quote/contracts';
import {
  createTestDatabase,
  createTestNats,
  startPrivateNatsServer,
  type TestDatabase,
  type TestNats,
  testLogger,
  waitFor,
} from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkpointOf,
  createEventStore,
  type EventStore,
  loadCheckpoint,
  migrateEventStore,
  type Relay,
  type StoredEvent,
  startRelay,
  toEnvelope,
} from '../src/index.ts';
import { dropTestDatabase, entries, killLeaderSession } from './fixtures.ts';

let tdb: TestDatabase;
let nats: TestNats;
let stream: string;
beforeAll(async () => {
  tdb = await createTestDatabase();
  nats = await createTestNats();
  stream = nats.ns.stream('bookings');
  // Default duplicate window (2 min): what absorbs the relay's republishing after a crash.
  await nats.jsm.streams.add({ name: stream, subjects: [nats.ns.contextFilter('bookings')] });
});
afterAll(async () => {
  await nats?.cleanup();
  await dropTestDatabase(tdb);
});

/** What a service's relay does: subject from the contracts registry, msgID = event id. */
const publishToJetStream = (event: StoredEvent) =>
  nats.js.publish(nats.ns.subject(eventDefinition(event.type)!.subject), JSON.stringify(toEnvelope(event)), {
    msgID: event.id,
  });

/** Msg-Ids of a stream's messages in stream order. */
const storedMsgIds = async (on: TestNats = nats, name = stream): Promise<string[]> => {
  const info = await on.jsm.streams.info(name);
  const ids: string[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const msg = await on.jsm.streams.getMessage(name, { seq });
    ids.push(msg?.header.get('Nats-Msg-Id') ?? `missing-${seq}`);
  }
  return ids;
};

describe('relay to JetStream', () => {
  it('stores every event exactly once, in commit order, across a crash mid-batch', async () => {
    await migrateEventStore(tdb.db, 'crash');
    const store: EventStore = createEventStore(tdb.db, { schema: 'crash' });
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        store.append(`ledger-${i % 8}`, entries(5, i * 5), { expectedVersion: 'any' }),
      ),
    );
    const all = await waitFor('300 events visible', async () => {
      const found = await store.readAll(null, 1_000);
      return found.length === 300 ? found : undefined;
    });

    // Relay A publishes 151 events, then "dies" right after sending the 151st: it never hears the ack and
    // never saves the checkpoint of its second batch.
    let sentByA = 0;
    let releaseA: (error: Error) => void = () => {};
    const hungA = new Promise<never>((_, reject) => {
      releaseA = reject;
    });
    const settings = {
      store,
      connection: tdb.url,
      logger: testLogger('relay'),
      batchSize: 100,
      standbyRetryMs: 50,
      retry: { initialMs: 5, maxMs: 20 },
    };
    const relays: Relay[] = [];
    try {
      const a = await startRelay({
        ...settings,
        publish: async (event) => {
          sentByA++;
          if (sentByA <= 151) await publishToJetStream(event);
          if (sentByA >= 151) await hungA;
        },
      });
      relays.push(a);
      await waitFor('relay A stuck on its 151st event', () => sentByA >= 151);
      expect(await loadCheckpoint(tdb.db, 'crash', 'relay')).toEqual(checkpointOf(all[99]!));
      await killLeaderSession(tdb);

      let sentByB = 0;
      const b = await startRelay({
        ...settings,
        publish: async (event) => {
          sentByB++;
          await publishToJetStream(event);
        },
      });
      relays.push(b);
      await waitFor('relay B caught up', async () => b.isLeader() && (await b.lag()) === 0);

      // At least once from the relays: B resent what A had sent after its last checkpoint…
      expect(sentByB).toBe(200);
      expect(sentByA + sentByB).toBe(351);
      // …exactly once on the stream, in the store's commit order.
      expect((await nats.jsm.streams.info(stream)).state.messages).toBe(300);
      expect(await storedMsgIds()).toEqual(all.map((e) => e.id));

      // A wakes up from its hung publish as a zombie: its session is gone, so it can neither publish the rest
      // of its batch nor move the checkpoint back; it drops to standby.
      releaseA(new Error('relay A process is gone'));
      await waitFor('relay A steps down', () => !a.isLeader());
      expect(await loadCheckpoint(tdb.db, 'crash', 'relay')).toEqual(checkpointOf(all[299]!));
      expect(sentByA).toBe(151);
      expect((await nats.jsm.streams.info(stream)).state.messages).toBe(300);
    } finally {
      releaseA(new Error('relay A process is gone'));
      await Promise.all(relays.map((r) => r.stop()));
    }
  });

  it('holds the same event while NATS is down and delivers everything once it is back', async () => {
    await migrateEventStore(tdb.db, 'outage');
    const store = createEventStore(tdb.db, { schema: 'outage' });
    const server = await startPrivateNatsServer();
    const own = await createTestNats(server.url);
    let relay: Relay | undefined;
    try {
      await own.jsm.streams.add({ name: 'OUTAGE', subjects: ['outage.>'] });
      let failures = 0;
      relay = await startRelay({
        store,
        connection: tdb.url,
        logger: testLogger('relay'),
        retry: { initialMs: 20, maxMs: 200 },
        publish: async (event) => {
          try {
            return await own.js.publish(`outage.${event.type}`, JSON.stringify(toEnvelope(event)), {
              msgID: event.id,
              timeout: 500,
            });
          } catch (error) {
            failures++;
            throw error;
          }
        },
      });
      await store.append('ledger-1', entries(10), { expectedVersion: 'no_stream' });
      await waitFor(
        'first 10 stored',
        async () => (await own.jsm.streams.info('OUTAGE')).state.messages === 10,
      );

      await server.stop();
      await store.append('ledger-1', entries(10, 11), { expectedVersion: 10 });
      await store.append('ledger-2', entries(10, 21), { expectedVersion: 'no_stream' });
      await waitFor('publishing fails while NATS is down', () => failures >= 2);
      expect(await relay.lag()).toBe(20);

      await server.start();
      await waitFor('all 30 stored after the restart', async () => (await relay!.lag()) === 0, {
        timeoutMs: 20_000,
      });
      const all = await store.readAll(null, 100);
      expect(await storedMsgIds(own, 'OUTAGE')).toEqual(all.map((e) => e.id));
    } finally {
      await relay?.stop();
      await own.nc.close();
      await server.destroy();
    }
  });
});
