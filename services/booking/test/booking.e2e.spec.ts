import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Envelope } from '@express-quote/contracts';
import { createPublisher } from '@express-quote/messaging';
import {
  createTestDatabase,
  createTestNats,
  freePort,
  type Stack,
  startStack,
  type TestDatabase,
  type TestNats,
  waitFor,
} from '@express-quote/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentCompleted } from './harness.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

let nats: TestNats;
let tdb: TestDatabase;
let stack: Stack;
let logDir: string;

beforeAll(async () => {
  nats = await createTestNats();
  tdb = await createTestDatabase();
  logDir = await mkdtemp(join(tmpdir(), 'booking-e2e-'));
  stack = await startStack({
    root: ROOT,
    services: [{ name: 'booking', port: await freePort() }],
    env: {
      NATS_URL: nats.url,
      DATABASE_URL: tdb.url,
      NATS_NAMESPACE: nats.ns.prefix,
      LOG_LEVEL: 'info',
      // What the killed process had in hand comes back after ack_wait: keep the test short.
      CONSUMER_ACK_WAIT: '2s',
    },
    logDir,
  });
});
afterAll(async () => {
  await stack?.stop();
  await nats?.cleanup();
  await tdb?.drop();
  if (logDir) await rm(logDir, { recursive: true, force: true });
});

const futureDate = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

const createQuote = async (day: number) => {
  const res = await fetch(`${stack.url('booking')}/api/quotes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      serviceType: 'PACKING',
      pickupAddress: { street: '1 quai du Port', postcode: '13002', city: 'Marseille' },
      serviceDate: futureDate(10 + (day % 200)),
      startTime: '09:00',
      endTime: '17:00',
      volumeM3: 12.5,
    }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { temporaryId: string; price: { totalCents: number } };
};

const bookedSessions = async () =>
  (await sql<{ n: number }>`select count(*)::int as n from booking.checkout_sessions`.execute(tdb.db))
    .rows[0]!.n;

const confirmedOnBookings = async (): Promise<Envelope[]> => {
  const stream = nats.ns.stream('bookings');
  const info = await nats.jsm.streams.info(stream);
  const out: Envelope[] = [];
  for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq++) {
    const msg = await nats.jsm.streams.getMessage(stream, { seq });
    const event = msg?.json<Envelope>();
    if (event?.type === 'booking.confirmed') out.push(event);
  }
  return out;
};

describe('booking as its own process', () => {
  it('books every payment exactly once across a crash (SIGKILL) and a restart', {
    timeout: 90_000,
  }, async () => {
    const quotes = [];
    for (let i = 0; i < 100; i++) quotes.push(await createQuote(i));
    const publisher = createPublisher(nats.nc, nats.ns);
    const payments = quotes.map((q) =>
      paymentCompleted({ temporaryId: q.temporaryId, amountCents: q.price.totalCents }),
    );
    await Promise.all(payments.map((p) => publisher.publish(p)));
    // Killed while handling them: some committed and not acked, some not started.
    await waitFor('a first booking', async () => (await bookedSessions()) > 0, {
      timeoutMs: 20_000,
      intervalMs: 2,
    });
    await stack.kill('booking', 'SIGKILL');
    await stack.restart('booking');
    const confirmed = await waitFor(
      'every payment to be booked',
      async () => {
        const all = await confirmedOnBookings();
        return all.length >= payments.length ? all : undefined;
      },
      { timeoutMs: 30_000 },
    );
    const sessions = confirmed.map((e) => (e.data as { checkoutSessionId: string }).checkoutSessionId).sort();
    expect(sessions).toEqual(payments.map((p) => p.data.checkoutSessionId).sort());
    const references = new Set(confirmed.map((e) => (e.data as { reference: string }).reference));
    expect(references.size).toBe(payments.length);
  });

  it('stops cleanly on SIGTERM', async () => {
    const svc = stack.services.get('booking')!;
    const exit = new Promise<number | null>((done) => svc.process.once('exit', (code) => done(code)));
    svc.process.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('refuses to start with a bad configuration, naming every variable', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'services/booking/src/main.ts')], {
      env: {
        PATH: process.env.PATH ?? '',
        NATS_URL: 'http://nope',
        PORT: '99999',
        PRICING_RATES_JSON: '{"services":{}}',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
    expect(code).toBe(1);
    for (const name of ['NATS_URL', 'DATABASE_URL', 'PORT', 'PRICING_RATES_JSON'])
      expect(stderr).toContain(name);
  });
});
