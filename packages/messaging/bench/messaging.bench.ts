// JetStream costs as our code sees them: publish latency and throughput through the publisher, and the runner's
// overhead over a bare consume()+ack loop on the same 20k messages. Own namespace, deleted at the end.
import { createEvent, defineEvent, type Envelope, parseEvent } from '@express-quote/contracts';
import { createTestNats } from '@express-quote/testing';
import { AckPolicy, jetstream } from '@nats-io/jetstream';
import { type Logger, pino } from 'pino';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { connectNats, createPublisher, ensureContextStream, runConsumer } from '../src/index.ts';

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
// The machine is shared: raw and runner passes alternate and the best of each is kept.
const ROUNDS = 3;

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
  // Measured through a connection made the way services make theirs.
  const nc = await connectNats({ servers: t.url, name: 'bench', logger: pino({ level: 'silent' }) });
  const rows: Row[] = [];
  try {
    await ensureContextStream(t.jsm, t.ns, 'bookings');
    await ensureContextStream(t.jsm, t.ns, 'notify');
    const publisher = createPublisher(nc, t.ns);

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
    // The same through the bare client (msgID only, no validation, no headers), to a stream of its own.
    const js = jetstream(nc);
    const rawSubject = t.ns.subject('notify.bench.raw');
    const payloads = batch.map((e) => JSON.stringify(e));
    next = 0;
    const q0 = performance.now();
    await Promise.all(
      Array.from({ length: PUBLISH_LANES }, async () => {
        while (next < payloads.length) {
          const i = next++;
          await js.publish(rawSubject, payloads[i]!, { msgID: batch[i]!.id });
        }
      }),
    );
    const rawPublishSeconds = (performance.now() - q0) / 1000;
    rows.push(
      {
        name: 'publish pipelined',
        value: Math.round(MESSAGES / publishSeconds),
        unit: 'msg/s',
        note: `${MESSAGES} msgs, ${PUBLISH_LANES} in flight`,
      },
      {
        name: 'bare js.publish pipelined',
        value: Math.round(MESSAGES / rawPublishSeconds),
        unit: 'msg/s',
        note: 'same msgs, no validation/headers',
      },
    );

    const stream = t.ns.stream('bookings');
    const filter = t.ns.subject(BenchEvent.subject);

    // Wall clock for msg/s; this process's CPU time per message too, which other load on the machine skews less.
    const measure = (wall0: number, cpu0: NodeJS.CpuUsage) => {
      const cpu = process.cpuUsage(cpu0);
      return {
        rate: MESSAGES / ((performance.now() - wall0) / 1000),
        cpuMicros: (cpu.user + cpu.system) / MESSAGES,
      };
    };

    // Bare consume()+ack: the floor any runner is measured against.
    const rawRate = async (durable: string) => {
      await t.jsm.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        filter_subject: filter,
      });
      const raw = await jetstream(nc).consumers.get(stream, durable);
      const r0 = performance.now();
      const cpu0 = process.cpuUsage();
      const messages = await raw.consume({ max_messages: 1_000 });
      let count = 0;
      for await (const m of messages) {
        m.ack();
        if (++count === MESSAGES) break;
      }
      await messages.close();
      await nc.flush();
      return measure(r0, cpu0);
    };

    const runnerRate = async (durable: string, logger: Logger) => {
      let handled = 0;
      let done!: () => void;
      const all = new Promise<void>((resolve) => {
        done = resolve;
      });
      const c0 = performance.now();
      const cpu0 = process.cpuUsage();
      const consumer = await runConsumer({
        nc,
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
      return measure(c0, cpu0);
    };

    // A real log line per message (pino JSON to /dev/null), as in production at level info.
    const devNull = pino.destination({ dest: '/dev/null', sync: false });
    const logger = pino({ level: 'info' }, devNull);
    type Measure = ReturnType<typeof measure>;
    const raws: Measure[] = [];
    const logged: Measure[] = [];
    const silent: Measure[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      raws.push(await rawRate(`bench-raw-${round}`));
      logged.push(await runnerRate(`bench-runner-${round}`, logger));
      silent.push(await runnerRate(`bench-runner-silent-${round}`, pino({ level: 'silent' })));
    }
    devNull.flushSync();
    const rate = (ms: Measure[]) => Math.max(...ms.map((m) => m.rate));
    const cpu = (ms: Measure[]) => Math.min(...ms.map((m) => m.cpuMicros));
    rows.push(
      {
        name: 'raw consume()+ack',
        value: Math.round(rate(raws)),
        unit: 'msg/s',
        note: `${MESSAGES} msgs, best of ${ROUNDS}; ${round(cpu(raws), 1)} µs CPU/msg`,
      },
      {
        name: 'runConsumer (validate, log, metrics, ack)',
        value: Math.round(rate(logged)),
        unit: 'msg/s',
        note: `same msgs, concurrency ${RUNNER_CONCURRENCY}; ${round(cpu(logged), 1)} µs CPU/msg`,
      },
      {
        name: 'runConsumer overhead vs raw',
        value: round(rate(raws) / rate(logged), 2),
        unit: '×',
        note: `target ≤ 1.3×; by CPU/msg ${round(cpu(logged) / cpu(raws), 2)}×`,
      },
      {
        name: 'runConsumer, logs off',
        value: Math.round(rate(silent)),
        unit: 'msg/s',
        note: `${round(cpu(silent), 1)} µs CPU/msg`,
      },
      {
        name: 'runConsumer overhead vs raw, logs off',
        value: round(rate(raws) / rate(silent), 2),
        unit: '×',
        note: `by CPU/msg ${round(cpu(silent) / cpu(raws), 2)}×`,
      },
    );
    // What every message costs the runner before its handler, whatever the transport: the floor of its overhead.
    const payload = new TextEncoder().encode(JSON.stringify(batch[0]));
    const decoder = new TextDecoder();
    const v0 = performance.now();
    for (let i = 0; i < MESSAGES; i++) parseEvent(JSON.parse(decoder.decode(payload)), [BenchEvent]);
    rows.push({
      name: 'decode + JSON.parse + parseEvent',
      value: round(((performance.now() - v0) * 1000) / MESSAGES, 2),
      unit: 'µs/msg',
      note: `${payload.byteLength}-byte envelope`,
    });
    return rows;
  } finally {
    await nc.close();
    await t.cleanup();
  }
}
