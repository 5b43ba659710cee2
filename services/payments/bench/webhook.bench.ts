/**
 * Webhook → 200 latency of the payments gateway under a steady load, beside the bare JetStream publish round trip
 * measured in the same run (the floor of what the webhook does: verify, insert, publish+ack, mark published).
 * The gateway runs as its own process (`node services/payments/src/main.ts`), as in production; the load is
 * open-loop (each request leaves at its scheduled time whether or not earlier ones answered), so a slow answer
 * cannot hide the queueing it causes. Own namespace and database, removed at the end.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent, PaymentCompleted } from '@express-quote/contracts';
import { createTestDatabase, createTestNats, freePort, startStack, testLogger } from '@express-quote/testing';
import { jetstream } from '@nats-io/jetstream';
import { Agent, request } from 'undici';
import { createDatabase } from '../src/database.ts';
import { STRIPE_WEBHOOK_PATH } from '../src/http/stripe-webhook.ts';
import {
  checkoutSession,
  type SignedWebhookRequest,
  signWebhook,
  stripeEvent,
} from '../src/stripe-simulator.ts';

export interface Row {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const RATE_PER_SECOND = 200;
const DURATION_SECONDS = 10;
const WARMUP_REQUESTS = 300;
const PUBLISH_SAMPLES = 2_000;
const SECRET = 'whsec_bench_0123456789abcdef';

const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN);
const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** CPU time (user + system) consumed so far by a process, from /proc (Linux); null elsewhere. */
const cpuMs = async (pid: number | undefined): Promise<number | null> => {
  if (pid === undefined) return null;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th, in clock ticks (100/s).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
};

const signedRequests = (count: number, tag: string): SignedWebhookRequest[] =>
  Array.from({ length: count }, (_, i) =>
    signWebhook(
      stripeEvent('checkout.session.completed', checkoutSession({ temporaryId: `tmp_${tag}_${i}` })),
      SECRET,
    ),
  );

export async function run(): Promise<Row[]> {
  const [nats, database] = await Promise.all([createTestNats(), createTestDatabase()]);
  const logDir = await mkdtemp(join(tmpdir(), 'eq-payments-bench-'));
  const port = await freePort();
  const stack = await startStack({
    root: join(import.meta.dirname, '../../..'),
    logDir,
    env: {
      NATS_URL: nats.url,
      NATS_NAMESPACE: nats.ns.prefix,
      DATABASE_URL: database.url,
      STRIPE_WEBHOOK_SECRET: SECRET,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    services: [{ name: 'payments', port }],
  });
  // Our own pool (with an error listener), closed before the database is dropped.
  const db = createDatabase({ url: database.url, poolMax: 1, logger: testLogger('bench-db') });
  const agent = new Agent({ connections: 64, pipelining: 1 });
  const url = `${stack.url('payments')}${STRIPE_WEBHOOK_PATH}`;
  try {
    const send = async (req: SignedWebhookRequest) => {
      const res = await request(url, {
        method: 'POST',
        headers: req.headers,
        body: req.body,
        dispatcher: agent,
      });
      await res.body.dump();
      return res.statusCode;
    };

    // Warm-up: JIT, connection pool, Postgres and NATS connections.
    for (const req of signedRequests(WARMUP_REQUESTS, 'warm')) await send(req);

    // Signed beforehand so the client's HMAC work does not delay the schedule.
    const total = RATE_PER_SECOND * DURATION_SECONDS;
    const requests = signedRequests(total, 'load');
    const latencies: number[] = [];
    let errors = 0;
    const intervalMs = 1000 / RATE_PER_SECOND;
    const loadBefore = loadavg()[0] ?? 0;
    const gatewayPid = stack.services.get('payments')?.process.pid;
    const cpuBefore = await cpuMs(gatewayPid);
    const start = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const scheduled = start + i * intervalMs;
      const wait = scheduled - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const req = requests[i]!;
      inFlight.push(
        send(req).then(
          (status) => {
            // From the scheduled departure: a late departure counts against the server (no coordinated omission).
            latencies.push(performance.now() - scheduled);
            if (status !== 200) errors++;
          },
          () => {
            errors++;
          },
        ),
      );
    }
    await Promise.all(inFlight);
    const elapsedS = (performance.now() - start) / 1000;
    const cpuAfter = await cpuMs(gatewayPid);
    const cpuPerRequest =
      cpuBefore === null || cpuAfter === null ? Number.NaN : (cpuAfter - cpuBefore) / total;
    latencies.sort((a, b) => a - b);

    // The floor: one JetStream publish + ack, sequential, on the same server, stream and payload size.
    const js = jetstream(nats.nc);
    const subject = nats.ns.subject(PaymentCompleted.subject);
    const payload = JSON.stringify(
      createEvent(
        PaymentCompleted,
        {
          stripeEventId: 'evt_bench',
          livemode: false,
          checkoutSessionId: 'cs_bench',
          paymentIntentId: 'pi_bench',
          temporaryId: 'tmp_bench',
          amountCents: 45_900,
          currency: 'EUR',
          paymentStatus: 'paid',
          customer: { firstName: 'Jeanne', lastName: 'Dupont', email: 'j@example.fr', phone: null },
        },
        { cause: { externalId: 'evt_bench' } },
      ),
    );
    const rtts: number[] = [];
    for (let i = 0; i < PUBLISH_SAMPLES + 200; i++) {
      const t = performance.now();
      await js.publish(subject, payload, { msgID: `bench-${i}` });
      if (i >= 200) rtts.push(performance.now() - t);
    }
    rtts.sort((a, b) => a - b);

    const [counts] = await db
      .selectFrom('payments.stripe_events')
      .select((eb) => [
        eb.fn.countAll<string>().as('recorded'),
        eb.fn.count<string>('published_at').as('published'),
      ])
      .execute();
    const note = `${RATE_PER_SECOND} req/s for ${DURATION_SECONDS} s, open loop, gateway in its own process`;
    return [
      { name: 'webhook → 200 p50', value: round(percentile(latencies, 50)), unit: 'ms', note },
      { name: 'webhook → 200 p90', value: round(percentile(latencies, 90)), unit: 'ms' },
      { name: 'webhook → 200 p99', value: round(percentile(latencies, 99)), unit: 'ms', note: 'goal ≤ 5 ms' },
      { name: 'webhook → 200 max', value: round(latencies.at(-1) ?? Number.NaN), unit: 'ms' },
      { name: 'webhook achieved rate', value: Math.round(total / elapsedS), unit: 'req/s' },
      { name: 'webhook non-200 answers', value: errors, unit: 'requests' },
      {
        name: 'gateway CPU per webhook',
        value: round(cpuPerRequest),
        unit: 'ms',
        note: 'user+system of the gateway process during the load, 10 ms ticks',
      },
      {
        name: 'events recorded / published',
        value: Number(counts?.published ?? 0),
        unit: 'events',
        note: `of ${counts?.recorded ?? 0} recorded (incl. ${WARMUP_REQUESTS} warm-up)`,
      },
      {
        name: 'bare JetStream publish+ack p50',
        value: round(percentile(rtts, 50)),
        unit: 'ms',
        note: 'same run',
      },
      { name: 'bare JetStream publish+ack p99', value: round(percentile(rtts, 99)), unit: 'ms' },
      {
        name: 'machine load average (1 min)',
        value: Math.round(loadBefore * 100) / 100,
        unit: 'runnable',
        note: 'when the load started; above the core count, latencies measure the machine, not the gateway',
      },
    ];
  } finally {
    await agent.close();
    await db.destroy();
    await stack.stop();
    await nats.cleanup();
    await database.drop();
    await rm(logDir, { recursive: true, force: true });
  }
}
