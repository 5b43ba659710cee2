// The whole system, every service as its own process: webhook → 200 and webhook → customer e-mail accepted by SMTP,
// at a fixed arrival rate (open loop). SMTP rate limiting is raised so the measure is the pipeline, not the
// per-instance 10 e-mails/s courtesy limit towards a real relay.
import { join } from 'node:path';
import { BookingConfirmed } from '@express-quote/contracts';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createQuote, EXAMPLE_CUSTOMER, exampleQuoteRequest, payQuote } from '../demo/scenario.ts';
import { startSystem } from '../demo/system.ts';

interface Row {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const round = (n: number) => Math.round(n * 10) / 10;

export async function run(): Promise<Row[]> {
  const rates = (process.env.BENCH_SYSTEM_RATES ?? '10,50').split(',').map(Number);
  const seconds = Number(process.env.BENCH_SYSTEM_SECONDS ?? 6);
  const system = await startSystem({
    root: join(import.meta.dirname, '..', '..'),
    isolated: true,
    logLevel: 'warn',
    env: { SMTP_RATE_LIMIT_PER_SECOND: '1000', SMTP_MAX_CONNECTIONS: '10' },
  });
  const rows: Row[] = [];
  // booking.confirmed arrival per correlation id (= Stripe event id), read straight from the BOOKINGS stream.
  const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  const confirmedAt = new Map<string, number>();
  const consumer = await jetstream(nc).consumers.get(system.ns.stream('bookings'), {
    filter_subjects: system.ns.subject(BookingConfirmed.subject),
    deliver_policy: DeliverPolicy.New,
  });
  const confirmations = await consumer.consume();
  void (async () => {
    for await (const m of confirmations)
      confirmedAt.set(m.json<{ correlationId: string }>().correlationId, Date.now());
  })();
  try {
    for (const rate of rates) {
      const count = rate * seconds;
      const customers = Array.from({ length: count }, (_, i) => ({
        ...EXAMPLE_CUSTOMER,
        email: `bench-${rate}-${i}@example.fr`,
      }));
      const quotes = [];
      for (const c of customers) quotes.push(await createQuote(system, exampleQuoteRequest(new Date(), c)));

      const sentAt: number[] = [];
      const eventIds: string[] = [];
      const webhookMs: number[] = [];
      const pending: Promise<void>[] = [];
      const start = performance.now();
      for (let i = 0; i < count; i++) {
        const due = start + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        sentAt[i] = Date.now();
        const t = performance.now();
        pending.push(
          payQuote(system, quotes[i]!, customers[i]!, { follow: false }).then((res) => {
            if (res.status !== 200) throw new Error(`webhook ${i} answered ${res.status}: ${res.body}`);
            webhookMs[i] = performance.now() - t;
            eventIds[i] = res.stripeEventId;
          }),
        );
      }
      await Promise.all(pending);

      const deadline = Date.now() + 180_000;
      const accepted = new Map<string, number>();
      while (accepted.size < count && Date.now() < deadline) {
        for (const m of system.mail.messages()) {
          for (const to of m.to)
            if (to.startsWith(`bench-${rate}-`)) accepted.set(to, Date.parse(m.receivedAt));
        }
        if (accepted.size < count) await new Promise((r) => setTimeout(r, 200));
      }
      const toConfirmed = eventIds.flatMap((id, i) => {
        const at = confirmedAt.get(id);
        return at === undefined ? [] : [at - sentAt[i]!];
      });
      const latencies = customers.flatMap((c, i) => {
        const at = accepted.get(c.email);
        return at === undefined ? [] : [at - sentAt[i]!];
      });
      rows.push(
        {
          name: `webhook → 200 p50 @ ${rate} bookings/s`,
          value: round(percentile(webhookMs, 50)),
          unit: 'ms',
        },
        {
          name: `webhook → 200 p99 @ ${rate} bookings/s`,
          value: round(percentile(webhookMs, 99)),
          unit: 'ms',
        },
        {
          name: `webhook → booking.confirmed p50 @ ${rate}/s`,
          value: round(percentile(toConfirmed, 50)),
          unit: 'ms',
          note: `${toConfirmed.length}/${count} seen on BOOKINGS`,
        },
        {
          name: `webhook → booking.confirmed p99 @ ${rate}/s`,
          value: round(percentile(toConfirmed, 99)),
          unit: 'ms',
        },
        {
          name: `webhook → customer e-mail p50 @ ${rate}/s`,
          value: round(percentile(latencies, 50)),
          unit: 'ms',
          note: `${latencies.length}/${count} e-mails accepted by SMTP`,
        },
        {
          name: `webhook → customer e-mail p99 @ ${rate}/s`,
          value: round(percentile(latencies, 99)),
          unit: 'ms',
          note: 'goal ≤ 300 ms; old system 4–5.5 s',
        },
      );
      system.mail.reset();
    }
  } finally {
    confirmations.stop();
    await nc.close();
    await system.stop();
  }
  return rows;
}
