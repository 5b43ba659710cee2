// Postgres event store costs: append throughput of a 4-event transaction (the size of a booking's
// confirmation) sequentially and at concurrency 8, readAll throughput over ~50k events, and the relay loop
// over the same events with a publisher that does nothing. Own database, dropped at the end.
import { createEvent, defineEvent, type Envelope } from '@express-quote/contracts';
import { createTestDatabase, testDatabaseUrl, waitFor } from '@express-quote/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { z } from 'zod';
import {
  type Checkpoint,
  checkpointOf,
  createEventStore,
  migrateEventStore,
  startRelay,
} from '../src/index.ts';

export interface Row {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const BenchEntry = defineEvent({
  type: 'eventstore_bench.entry_recorded',
  context: 'bookings',
  schema: z.object({ bookingId: z.uuid(), amountCents: z.number().int(), label: z.string() }),
});

const SEQUENTIAL_TX = 2_000;
const CONCURRENT_TX = 4_000;
const CONCURRENCY = 8;
const READ_TARGET = 50_000;
const READ_BATCH = 500;

const fourEvents = (n: number): Envelope[] =>
  Array.from({ length: 4 }, (_, i) =>
    createEvent(
      BenchEntry,
      {
        bookingId: '0199a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b',
        amountCents: n * 4 + i,
        label: 'Déménagement Paris → Lyon',
      },
      { cause: { externalId: `evt_bench_${n}` } },
    ),
  );

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Drops the database once its sessions are gone (see test/fixtures.ts for why). */
const dropWhenIdle = async (tdb: Awaited<ReturnType<typeof createTestDatabase>>) => {
  await tdb.db.destroy();
  const admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  try {
    await waitFor('bench sessions closed', async () => {
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

export async function run(): Promise<Row[]> {
  const tdb = await createTestDatabase();
  const rows: Row[] = [];
  try {
    await migrateEventStore(tdb.db, 'bench');
    const store = createEventStore(tdb.db, { schema: 'bench' });
    let next = 0;
    const appendOne = () => {
      const n = next++;
      return store.append(`booking-${n}`, fourEvents(n), { expectedVersion: 'no_stream' });
    };

    for (let i = 0; i < 200; i++) await appendOne(); // warm-up: connections, plans, JIT

    const latencies: number[] = [];
    const t1 = performance.now();
    for (let i = 0; i < SEQUENTIAL_TX; i++) {
      const t0 = performance.now();
      await appendOne();
      latencies.push(performance.now() - t0);
    }
    const sequentialMs = performance.now() - t1;
    latencies.sort((a, b) => a - b);
    rows.push(
      {
        name: 'append 4-event tx, concurrency 1',
        value: Math.round((SEQUENTIAL_TX / sequentialMs) * 1000),
        unit: 'tx/s',
      },
      { name: 'append 4-event tx, concurrency 1, p50', value: round(percentile(latencies, 50)), unit: 'ms' },
      { name: 'append 4-event tx, concurrency 1, p99', value: round(percentile(latencies, 99)), unit: 'ms' },
    );

    const concurrent = async (label: string, append: () => Promise<unknown>, note: string) => {
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let i = 0; i < CONCURRENT_TX / CONCURRENCY; i++) await append();
        }),
      );
      const tps = Math.round((CONCURRENT_TX / (performance.now() - started)) * 1000);
      rows.push({ name: label, value: tps, unit: 'tx/s', note: `${tps * 4} events/s; ${note}` });
    };
    await concurrent(`append 4-event tx, concurrency ${CONCURRENCY}`, appendOne, 'distinct streams');
    const quiet = createEventStore(tdb.db, { schema: 'bench', notify: false });
    await concurrent(
      `append 4-event tx, concurrency ${CONCURRENCY}, notify off`,
      () => {
        const n = next++;
        return quiet.append(`booking-${n}`, fourEvents(n), { expectedVersion: 'no_stream' });
      },
      'readers rely on polling',
    );

    // Top up to ~50k events with larger transactions (not measured).
    while (next * 4 < READ_TARGET) {
      await Promise.all(Array.from({ length: CONCURRENCY }, () => appendOne()));
    }
    const total = next * 4;
    await waitFor('every event visible', async () => {
      const { rows: visible } = await sql<{ n: number }>`
        select count(*)::int as n from bench.events
        where transaction_id < pg_snapshot_xmin(pg_current_snapshot())`.execute(tdb.db);
      return visible[0]?.n === total;
    });

    const t3 = performance.now();
    let read = 0;
    let after: Checkpoint | null = null;
    for (;;) {
      const page = await store.readAll(after, READ_BATCH);
      if (page.length === 0) break;
      read += page.length;
      after = checkpointOf(page.at(-1)!);
    }
    const readMs = performance.now() - t3;
    rows.push({
      name: `readAll, batches of ${READ_BATCH}`,
      value: Math.round((read / readMs) * 1000),
      unit: 'events/s',
      note: `${read} of ${total} events`,
    });

    let relayed = 0;
    const t4 = performance.now();
    const relay = await startRelay({
      store,
      connection: tdb.url,
      logger: pino({ level: 'silent' }),
      publish: async () => {
        relayed++;
      },
    });
    await waitFor('relay caught up', () => relayed >= read, { timeoutMs: 120_000, intervalMs: 5 });
    const relayMs = performance.now() - t4;
    await relay.stop();
    rows.push({
      name: 'relay loop, no-op publish',
      value: Math.round((relayed / relayMs) * 1000),
      unit: 'events/s',
      note: 'read + checkpoint per 500; the broker round trip comes on top',
    });
  } finally {
    await dropWhenIdle(tdb);
  }
  return rows;
}
