// JetStream costs as our code sees them: publish latency and throughput through the publisher, and the runner's
// overhead over a bare consume()+ack loop on the same 20k messages. Own namespace, deleted at the end.
import { createEvent, defineEvent, type Envelope } from '@express-quote/contracts';
import { createTestNats } from '@express-quote/testing';
import { AckPolicy } from '@nats-io/jetstream';
import { type Logger, pino } from 'pino';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { createPublisher, ensureContextStream, runConsumer } from '../src/index.ts';

export interface Row {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const BenchEvent = defineEvent({
  type: 'bench.something_happened',
  context: 'bookings',
  schema: z.object({ bookingId: z.uuid(), n: z.number().int(), label: z.string() }),
});

const SEQUENTIAL = 2_000;
const MESSAGES = 20_000;
const PUBLISH_LANES = 256;
const RUNNER_CONCURRENCY = 256;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

const events = (count: number): Envelope[] =>
  Array.from({ length: count }, (_, n) =>
    createEvent(
      BenchEvent,
      { bookingId: '0199a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b', n, label: 'Déménagement Paris → Lyon' },
      { cause: { externalId: `evt_bench_${n}` } },
    ),
  );

export async function run(): Promise<Row[]> {
  const t = await createTestNats();
  const rows: Row[] = [];
  try {
    await ensureContextStream(t.jsm, t.ns, 'bookings');
    await ensureContextStream(t.jsm, t.ns, 'notify');
    const publisher = createPublisher(t.nc, t.ns);

    // Sequential publish + ack, on a stream of its own so the 20k below stay alone in theirs.
    const latencies: number[] = [];
    for (const event of events(SEQUENTIAL)) {
      const t0 = performance.now();
      await publisher.publish(event, { subject: 'notify.bench.sequential' });
      latencies.push(performance.now() - t0);
    }
    latencies.sort((a, b) => a - b);
    rows.push(
      {
        name: 'publish+ack sequential p50',
        value: round(percentile(latencies, 50)),
        unit: 'ms',
        note: `${SEQUENTIAL} msgs, zod-validated`,
      },
      { name: 'publish+ack sequential p99', value: round(percentile(latencies, 99)), unit: 'ms' },
    );

    // Pipelined: PUBLISH_LANES publishes awaiting their acks at any time.
    const batch = events(MESSAGES);
    let next = 0;
    const p0 = performance.now();
    await Promise.all(
      Array.from({ length: PUBLISH_LANES }, async () => {
        while (next < batch.length) await publisher.publish(batch[next++]!);
      }),
    );
    const publishSeconds = (performance.now() - p0) / 1000;
    rows.push({
      name: 'publish pipelined',
      value: Math.round(MESSAGES / publishSeconds),
      unit: 'msg/s',
      note: `${MESSAGES} msgs, ${PUBLISH_LANES} in flight`,
    });

    const stream = t.ns.stream('bookings');
    const filter = t.ns.subject(BenchEvent.subject);

    // Bare consume()+ack: the floor any runner is measured against.
    await t.jsm.consumers.add(stream, {
      durable_name: 'bench-raw',
      ack_policy: AckPolicy.Explicit,
      filter_subject: filter,
    });
    const raw = await t.js.consumers.get(stream, 'bench-raw');
    const r0 = performance.now();
    const messages = await raw.consume({ max_messages: 1_000 });
    let rawCount = 0;
    for await (const m of messages) {
      m.ack();
      if (++rawCount === MESSAGES) break;
    }
    await messages.close();
    await t.nc.flush();
    const rawRate = MESSAGES / ((performance.now() - r0) / 1000);
    rows.push({
      name: 'raw consume()+ack',
      value: Math.round(rawRate),
      unit: 'msg/s',
      note: `${MESSAGES} msgs`,
    });

    const runnerRate = async (durable: string, logger: Logger) => {
      let handled = 0;
      let done!: () => void;
      const all = new Promise<void>((resolve) => {
        done = resolve;
      });
      const c0 = performance.now();
      const consumer = await runConsumer({
        nc: t.nc,
        ns: t.ns,
        logger,
        registry: new Registry(),
        name: durable,
        context: 'bookings',
        filterSubject: BenchEvent.subject,
        events: [BenchEvent],
        concurrency: RUNNER_CONCURRENCY,
        maxDeliver: 5,
        backoffMs: [1_000],
        ackWaitMs: 30_000,
        dlq: false,
        handler: async () => {
          if (++handled === MESSAGES) done();
        },
      });
      await all;
      await consumer.stop();
      return MESSAGES / ((performance.now() - c0) / 1000);
    };

    // A real log line per message (pino JSON to /dev/null), as in production at level info.
    const devNull = pino.destination({ dest: '/dev/null', sync: false });
    const logged = await runnerRate('bench-runner', pino({ level: 'info' }, devNull));
    const silent = await runnerRate('bench-runner-silent', pino({ level: 'silent' }));
    devNull.flushSync();
    rows.push(
      {
        name: 'runConsumer (validate, log, metrics, ack)',
        value: Math.round(logged),
        unit: 'msg/s',
        note: `same ${MESSAGES} msgs, concurrency ${RUNNER_CONCURRENCY}`,
      },
      {
        name: 'runConsumer overhead vs raw',
        value: round(rawRate / logged, 2),
        unit: '×',
        note: 'target ≤ 1.3×',
      },
      { name: 'runConsumer, logs off', value: Math.round(silent), unit: 'msg/s' },
      { name: 'runConsumer overhead vs raw, logs off', value: round(rawRate / silent, 2), unit: '×' },
    );
    return rows;
  } finally {
    await t.cleanup();
  }
}
