// The whole system, every service as its own process: webhook → 200 and webhook → customer e-mail accepted by SMTP,
// at a fixed arrival rate (open loop). SMTP rate limiting is raised so the measure is the pipeline, not the
// per-instance 10 e-mails/s courtesy limit towards a real relay.
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import {
  BookingConfirmed,
  CONTEXTS,
  type Context,
  DocumentsGenerated,
  NotificationSending,
  NotificationSent,
  notifySubject,
  PaymentCompleted,
} from '@express-quote/contracts';
import { DeliverPolicy, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createQuote, EXAMPLE_CUSTOMER, exampleQuoteRequest, payQuote } from '../demo/scenario.ts';
import { type ServiceName, startSystem } from '../demo/system.ts';

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
const WARM_UP_BOOKINGS = 5;
const IDLE_SAMPLE_MS = 3000;
const HOPS = ['payment', 'confirmed', 'documents', 'requested', 'sending', 'accepted', 'sent'] as const;
type Hop = (typeof HOPS)[number];
const HOP_LABELS: Record<Hop, string> = {
  payment: 'webhook → payment.completed',
  confirmed: '→ booking.confirmed',
  documents: '→ customer documents.generated',
  requested: '→ notify (booking-confirmation)',
  sending: '→ notification.sending',
  accepted: '→ accepted by the SMTP sink',
  sent: '→ notification.sent',
};
// biome-ignore lint/suspicious/noExplicitAny: a benchmark reads a few fields of any event
const hopOf = (type: string, data: any): Hop | null => {
  if (type === 'payment.completed') return 'payment';
  if (type === 'booking.confirmed') return 'confirmed';
  if (type === 'documents.generated') return data.audience === 'customer' ? 'documents' : null;
  if (type === 'notification.requested')
    return data.template === 'booking-confirmation' && data.channel === 'email' ? 'requested' : null;
  if (type === 'notification.sending') return 'sending';
  if (type === 'notification.sent') return 'sent';
  return null;
};
// CPU time (user + system, all threads) of each service process, NATS, PostgreSQL (backends alive at both reads)
// and this process, from /proc: what one booking costs each of them.
const CLOCK_TICK_MS = 10;
const cpuByService = async (): Promise<Map<string, number>> => {
  const cpu = new Map<string, number>();
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^[0-9]+$/.test(pid)) continue;
    try {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      const comm = (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
      const name =
        Number(pid) === process.pid
          ? 'this benchmark (mail and phone sinks, watchers)'
          : comm === 'nats-server' || comm === 'postgres'
            ? comm
            : /services\/([a-z-]+)\/src\/main\.ts/.exec(cmdline)?.[1];
      if (name === undefined) continue;
      const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
      cpu.set(name, (cpu.get(name) ?? 0) + (Number(stat[11]) + Number(stat[12])) * CLOCK_TICK_MS);
    } catch {
      // the process ended between readdir and read
    }
  }
  return cpu;
};

const messagesByStream = async (
  jsm: JetStreamManager,
  streams: readonly string[],
): Promise<Map<string, number>> => {
  const counts = new Map<string, number>();
  for (const stream of streams) {
    const info = await jsm.streams.info(stream).catch(() => null);
    if (info) counts.set(stream, info.state.last_seq);
  }
  return counts;
};

/** Waits until every durable consumer of the run has nothing pending nor unacknowledged (or 60 s pass). */
const settle = async (jsm: JetStreamManager, streams: readonly string[]): Promise<void> => {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    let busy = 0;
    for (const stream of streams) {
      for await (const c of jsm.consumers.list(stream)) {
        if (c.config.durable_name) busy += c.num_pending + c.num_ack_pending;
      }
    }
    if (busy === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
};

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * The whole system, and only the services a customer's confirmation goes through: without attribution (mission
 * proposals, their PDFs and the professionals' e-mails), SMS and WhatsApp, which a deployment runs on other cores.
 * Staff e-mails and the internal document set still run: they share those services.
 */
const CONFIGURATIONS: Record<string, { label: string; services?: readonly ServiceName[] }> = {
  all: { label: '8 services' },
  customer: {
    label: 'customer path',
    services: ['payments', 'booking', 'documents', 'notifications', 'email-delivery'],
  },
};

export async function run(): Promise<Row[]> {
  const rates = (process.env.BENCH_SYSTEM_RATES ?? '2,10,50').split(',').map(Number);
  const seconds = Number(process.env.BENCH_SYSTEM_SECONDS ?? 6);
  const configurations = (process.env.BENCH_SYSTEM_CONFIGS ?? 'all,customer').split(',');
  const rows: Row[] = [];
  for (const key of configurations) {
    const configuration = CONFIGURATIONS[key];
    if (!configuration)
      throw new Error(`BENCH_SYSTEM_CONFIGS: unknown ${key} (${Object.keys(CONFIGURATIONS)})`);
    const measured = await runConfiguration(configuration.services, rates, seconds);
    rows.push(...measured.map((r) => ({ ...r, name: `[${configuration.label}] ${r.name}` })));
  }
  return rows;
}

async function runConfiguration(
  services: readonly ServiceName[] | undefined,
  rates: readonly number[],
  seconds: number,
): Promise<Row[]> {
  const system = await startSystem({
    root: join(import.meta.dirname, '..', '..'),
    isolated: true,
    logLevel: 'warn',
    parseMail: false,
    watch: false,
    env: { SMTP_RATE_LIMIT_PER_SECOND: '1000', SMTP_MAX_CONNECTIONS: '10' },
    ...(services ? { services } : {}),
  });
  const rows: Row[] = [];
  let failed = false;
  // Where the time goes: the server timestamp of each hop of a customer confirmation, per correlation id (= the
  // Stripe event id), read straight from the streams with ephemeral ordered consumers.
  const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const allStreams = (Object.keys(CONTEXTS) as Context[]).map((c) => system.ns.stream(c));
  const hops = new Map<string, Partial<Record<Hop, number>>>();
  const notificationToCorrelation = new Map<string, string>();
  const mark = (correlationId: string, hop: Hop, at: number) => {
    const row = hops.get(correlationId) ?? {};
    row[hop] ??= at;
    hops.set(correlationId, row);
  };
  // Only the subjects of the hops (nats-server 2.9: one filter per consumer): reading whole streams would make the
  // benchmark's own share of the two cores larger than it needs to be.
  const watched: Array<[Context, string]> = [
    ['payments', PaymentCompleted.subject],
    ['bookings', BookingConfirmed.subject],
    ['documents', DocumentsGenerated.subject],
    ['notify', notifySubject('email', 'CRITICAL')],
    ['notifications', NotificationSending.subject],
    ['notifications', NotificationSent.subject],
  ];
  const streams = [];
  for (const [context, subject] of watched) {
    const consumer = await js.consumers.get(system.ns.stream(context), {
      deliver_policy: DeliverPolicy.New,
      filter_subjects: system.ns.subject(subject),
    });
    const messages = await consumer.consume();
    streams.push(messages);
    void (async () => {
      for await (const m of messages) {
        const at = Math.floor(m.info.timestampNanos / 1e6);
        // biome-ignore lint/suspicious/noExplicitAny: a benchmark reads a few fields of any event
        const e = m.json<{ type: string; correlationId: string; data: any }>();
        const hop = hopOf(e.type, e.data);
        if (hop === null) continue;
        if (hop === 'requested') notificationToCorrelation.set(e.data.notificationId, e.correlationId);
        const correlation =
          hop === 'sending' || hop === 'sent'
            ? notificationToCorrelation.get(e.data.notificationId)
            : e.correlationId;
        if (correlation !== undefined) mark(correlation, hop, at);
      }
    })();
  }
  try {
    // Warm-up, not measured: the first bookings through a fresh system pay for JIT compilation, lazy imports and
    // pool connections, which is not what a service that has been running does.
    const warmUp = Array.from({ length: WARM_UP_BOOKINGS }, (_, i) => ({
      ...EXAMPLE_CUSTOMER,
      email: `warm-up-${i}@example.fr`,
    }));
    for (const c of warmUp) {
      const quote = await createQuote(system, exampleQuoteRequest(new Date(), c));
      await payQuote(system, quote, c, { follow: false });
    }
    for (const c of warmUp)
      await system.mail.waitForMessages(1, { filter: { to: c.email }, timeoutMs: 60_000 });
    await settle(jsm, allStreams);
    system.mail.reset();

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
      // What every process burns doing nothing (pollers, heartbeats, metrics), subtracted from the window below.
      const idleStart = await cpuByService();
      await new Promise((r) => setTimeout(r, IDLE_SAMPLE_MS));
      const cpuBefore = await cpuByService();
      const windowStart = performance.now();
      const messagesBefore = await messagesByStream(jsm, allStreams);
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
          for (const to of m.envelope.to)
            if (to.startsWith(`bench-${rate}-`)) accepted.set(to, Date.parse(m.receivedAt));
        }
        if (accepted.size < count) await new Promise((r) => setTimeout(r, 200));
      }
      const toConfirmed = eventIds.flatMap((id, i) => {
        const at = hops.get(id)?.confirmed;
        return at === undefined ? [] : [at - sentAt[i]!];
      });
      // Everything the bookings set off (staff e-mails, proposals, SMS) is still running: let it settle before CPU.
      await settle(jsm, allStreams);
      const cpuAfter = await cpuByService();
      const windowMs = performance.now() - windowStart;
      const messagesAfter = await messagesByStream(jsm, allStreams);
      const cpuRows = [...cpuAfter]
        .map(([service, ms]) => {
          const before = cpuBefore.get(service) ?? 0;
          const idle = ((before - (idleStart.get(service) ?? before)) * windowMs) / IDLE_SAMPLE_MS;
          return { service, ms: Math.max(0, ms - before - idle) / count };
        })
        .sort((a, b) => b.ms - a.ms);
      const cpuTotal = cpuRows.reduce((sum, r) => sum + r.ms, 0);
      customers.forEach((c, i) => {
        const at = accepted.get(c.email);
        if (at !== undefined && eventIds[i] !== undefined) mark(eventIds[i], 'accepted', at);
      });
      // Each hop's own share: from the previous hop's timestamp to this one's.
      const shares = HOPS.map((hop, h) => {
        const values = eventIds.flatMap((id, i) => {
          const row = hops.get(id);
          const to = row?.[hop];
          const previous = h === 0 ? sentAt[i] : row?.[HOPS[h - 1]!];
          return to === undefined || previous === undefined ? [] : [to - previous];
        });
        return { hop, p50: percentile(values, 50), p99: percentile(values, 99) };
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
        ...shares.map(({ hop, p50, p99 }) => ({
          name: `  hop ${HOP_LABELS[hop]} p50 @ ${rate}/s`,
          value: round(p50),
          unit: 'ms',
          note: `p99 ${round(p99)} ms`,
        })),
        {
          name: `CPU per booking (idle subtracted), all processes @ ${rate}/s`,
          value: round(cpuTotal),
          unit: 'ms',
          note: `${os.availableParallelism()} cores: saturated above ~${Math.floor((os.availableParallelism() * 1000) / Math.max(1, cpuTotal))} bookings/s`,
        },
        ...[...messagesAfter].map(([stream, n]) => ({
          name: `  messages per booking on ${stream.split('_').at(-1)} @ ${rate}/s`,
          value: round((n - (messagesBefore.get(stream) ?? 0)) / count),
          unit: 'msg',
        })),
        ...cpuRows.map(({ service, ms }) => ({
          name: `  CPU per booking: ${service} @ ${rate}/s`,
          value: round(ms),
          unit: 'ms',
        })),
      );
      system.mail.reset();
    }
  } catch (error) {
    // The services' logs say why a booking did not go through: keep them.
    console.error(`system benchmark failed; service logs kept in ${system.logDir}`);
    failed = true;
    throw error;
  } finally {
    for (const messages of streams) messages.stop();
    await nc.close();
    await system.stop({ keepLogs: failed });
  }
  return rows;
}
