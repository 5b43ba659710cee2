import { connect } from '@nats-io/transport-node';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  createTestNats,
  namespaceStreams,
  startPrivateNatsServer,
} from '../src/index.ts';

describe('test isolation helpers', () => {
  it('creates a fresh database and drops it', async () => {
    const tdb = await createTestDatabase();
    const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(tdb.db);
    expect(rows[0]?.name).toBe(tdb.name);
    await tdb.drop();
    const other = await createTestDatabase();
    const exists = await sql<{
      n: number;
    }>`select count(*)::int as n from pg_database where datname = ${tdb.name}`.execute(other.db);
    expect(exists.rows[0]?.n).toBe(0);
    await other.drop();
  });

  it('removes only the streams of its own namespace', async () => {
    const a = await createTestNats();
    const b = await createTestNats();
    await a.jsm.streams.add({ name: a.ns.stream('bookings'), subjects: [a.ns.contextFilter('bookings')] });
    await b.jsm.streams.add({ name: b.ns.stream('bookings'), subjects: [b.ns.contextFilter('bookings')] });
    await a.cleanup();
    expect(await namespaceStreams(b.jsm, a.ns)).toEqual([]);
    expect(await namespaceStreams(b.jsm, b.ns)).toEqual([b.ns.stream('bookings')]);
    await b.cleanup();
  });

  describe('private nats-server', () => {
    let server: Awaited<ReturnType<typeof startPrivateNatsServer>> | undefined;
    afterAll(() => server?.destroy());

    it('keeps JetStream data across a restart', async () => {
      server = await startPrivateNatsServer();
      const nats = await createTestNats(server.url);
      await nats.jsm.streams.add({ name: 'KEEP', subjects: ['keep.>'] });
      await nats.js.publish('keep.one', 'x');
      await nats.nc.close();
      await server.stop();
      await server.start();
      const nc = await connect({ servers: server.url });
      const { jetstreamManager } = await import('@nats-io/jetstream');
      const info = await (await jetstreamManager(nc)).streams.info('KEEP');
      expect(info.state.messages).toBe(1);
      await nc.close();
    });
  });
});
