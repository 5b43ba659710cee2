// E-mails per second through the SMTP pool into the local sink: raw pool, the whole service (JetStream command →
// render → pool → sink → status events), with and without a 2-PDF attachment set, and command → accepted latency.
// Run with `make bench` (scripts/bench.ts) or `node services/email-delivery/bench/email.bench.ts`.
import type { StoredDocument } from '@express-quote/contracts';
import { createAttachmentSource } from '../src/adapters/object-store-attachments.ts';
import { createSmtpTransport } from '../src/adapters/smtp.ts';
import { compileTemplates } from '../src/templates/renderer.ts';
import { TEMPLATE_SAMPLES } from '../test/fixtures/template-data.ts';
import { createHarness, type Harness, notificationCommand, samplePdf } from '../test/support/harness.ts';

export interface Row {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

const SERVICE_ENV = {
  // Capacity of the pipeline, not of the production throttle (SMTP_RATE_LIMIT_PER_SECOND=10 caps it to 10/s).
  SMTP_RATE_LIMIT_PER_SECOND: '0',
  SMTP_MAX_CONNECTIONS: '5',
  EMAIL_HIGH_CONCURRENCY: '4',
  EMAIL_NORMAL_CONCURRENCY: '3',
  LOG_LEVEL: 'silent',
};

/** The pool alone: pre-rendered message, 7 sends in flight (the service's two consumers at their defaults). */
const rawPool = async (h: Harness, count: number, documents: StoredDocument[]): Promise<number> => {
  const renderer = await compileTemplates({ brandName: 'Express Quote' });
  const sample = TEMPLATE_SAMPLES['booking-confirmation'];
  const rendered = renderer.render('booking-confirmation', sample.data, {
    recipient: sample.recipient,
    documentsMissing: false,
    attachments: documents,
  });
  const attachments = createAttachmentSource({ blobs: h.blobs, maxCacheBytes: 64 * 1024 * 1024 });
  const prepared = await Promise.all(documents.map((d) => attachments.prepare(d)));
  const transport = createSmtpTransport({
    host: h.sink.host,
    port: h.sink.smtpPort,
    secure: false,
    requireTls: false,
    from: 'Express Quote <noreply@express-quote.test>',
    tlsRejectUnauthorized: true,
    maxConnections: 5,
    rateLimitPerSecond: 0,
    connectionTimeoutMs: 10_000,
    greetingTimeoutMs: 10_000,
    socketTimeoutMs: 30_000,
  });
  h.sink.reset();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 7 }, async () => {
      while (next < count) {
        const i = next++;
        await transport.send({
          to: { name: 'Jeanne Dupont', address: `raw.${i}@example.fr` },
          subject: rendered.subject,
          html: rendered.html,
          text: rendered.text,
          messageId: `<raw-${i}@express-quote.test>`,
          priority: 'normal',
          headers: {},
          attachments: prepared,
        });
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  transport.close();
  return count / elapsed;
};

/** The whole service: `count` commands queued, then the service started; time until the sink has them all. */
const throughService = async (
  count: number,
  withAttachments: boolean,
): Promise<{ perSecond: number; bytes: number }> => {
  const h = await createHarness({ parse: false, maxMessages: count + 10 });
  try {
    const documents = withAttachments
      ? [
          await h.storeDocument(
            'BOOKING_CONFIRMATION',
            'confirmation-EQ-2026-000123.pdf',
            samplePdf('confirmation', 45_000),
          ),
          await h.storeDocument('INVOICE', 'facture-EQ-2026-000123.pdf', samplePdf('facture', 60_000)),
        ]
      : [];
    for (let i = 0; i < count; i++) {
      await h.publish(notificationCommand({ priority: i % 2 ? 'HIGH' : 'NORMAL', attachments: documents }));
    }
    const service = await h.start(SERVICE_ENV);
    const started = performance.now();
    await h.sink.waitForMessages(count, { timeoutMs: 600_000 });
    const elapsed = (performance.now() - started) / 1000;
    const bytes = h.sink.messages()[0]?.size ?? 0;
    await service.stop();
    return { perSecond: count / elapsed, bytes };
  } finally {
    await h.cleanup();
  }
};

/** Command published → accepted by the SMTP server, at a steady rate. */
const latencyAtRate = async (
  perSecond: number,
  seconds: number,
): Promise<{ p50: number; p99: number; n: number }> => {
  const h = await createHarness({ parse: false });
  try {
    await h.start(SERVICE_ENV);
    const documents = [
      await h.storeDocument('BOOKING_CONFIRMATION', 'confirmation.pdf', samplePdf('confirmation', 45_000)),
      await h.storeDocument('INVOICE', 'facture.pdf', samplePdf('facture', 60_000)),
    ];
    const publishedAt = new Map<string, number>();
    const total = perSecond * seconds;
    const started = Date.now();
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / perSecond;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const command = notificationCommand({ priority: 'HIGH', attachments: documents });
      publishedAt.set(command.recipient.email!.toLowerCase(), Date.now());
      await h.publish(command);
    }
    const mails = await h.sink.waitForMessages(total, { timeoutMs: 120_000 });
    const latencies = mails
      .map((m) => Date.parse(m.receivedAt) - (publishedAt.get(m.envelope.to[0] ?? '') ?? Number.NaN))
      .filter((v) => Number.isFinite(v))
      .sort((a, b) => a - b);
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), n: latencies.length };
  } finally {
    await h.cleanup();
  }
};

export async function run(): Promise<Row[]> {
  const rows: Row[] = [];
  const h = await createHarness({ parse: false, maxMessages: 5_000 });
  try {
    const documents = [
      await h.storeDocument('BOOKING_CONFIRMATION', 'confirmation.pdf', samplePdf('confirmation', 45_000)),
      await h.storeDocument('INVOICE', 'facture.pdf', samplePdf('facture', 60_000)),
    ];
    rows.push({
      name: 'SMTP pool alone, no attachment',
      value: round(await rawPool(h, 2_000, [])),
      unit: 'e-mails/s',
      note: '5 connections, 7 sends in flight, pre-rendered',
    });
    rows.push({
      name: 'SMTP pool alone, 2 PDFs (45 + 60 kB)',
      value: round(await rawPool(h, 1_000, documents)),
      unit: 'e-mails/s',
      note: 'attachments encoded once, reused',
    });
  } finally {
    await h.cleanup();
  }
  const plain = await throughService(1_000, false);
  rows.push({
    name: 'service end to end, no attachment',
    value: round(plain.perSecond),
    unit: 'e-mails/s',
    note: `1000 queued commands → sink (${Math.round(plain.bytes / 1024)} kB each), status events included`,
  });
  const attached = await throughService(500, true);
  rows.push({
    name: 'service end to end, 2 PDFs',
    value: round(attached.perSecond),
    unit: 'e-mails/s',
    note: `500 queued commands → sink (${Math.round(attached.bytes / 1024)} kB each)`,
  });
  const latency = await latencyAtRate(50, 5);
  rows.push(
    {
      name: 'command → SMTP accepted at 50/s, p50',
      value: latency.p50,
      unit: 'ms',
      note: `${latency.n} e-mails with 2 PDFs`,
    },
    { name: 'command → SMTP accepted at 50/s, p99', value: latency.p99, unit: 'ms' },
  );
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await run());
}
