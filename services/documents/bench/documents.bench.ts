// PDF rendering throughput of the documents service: per kind on one thread and in the worker pool, the
// bound it puts on a booking's fan-out, and the whole stage (render + Object Store + publish) through NATS.
// Invoked by scripts/bench.ts (`make bench`); uses its own namespace and database and removes them.

import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { DocumentsGenerated, deterministicId } from '@express-quote/contracts';
import { createPublisher } from '@express-quote/messaging';
import { createTestDatabase, createTestNats, waitFor } from '@express-quote/testing';
import pdfmake from 'pdfmake';
import type { RenderJob } from '../src/rendering/render-job.ts';
import { documentDefinition } from '../src/rendering/render-pdf.ts';
import { createInlineRenderer, createRenderPool, type Renderer } from '../src/rendering/render-pool.ts';
import { bookingConfirmed, bookingData, company, proposalData } from '../test/fixtures.ts';
import { startService, streamEvents } from '../test/service-harness.ts';

export interface Row {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

type Kind = RenderJob['kind'];
const KINDS: readonly Kind[] = ['BOOKING_CONFIRMATION', 'INVOICE', 'CUSTOMER_DETAILS', 'MISSION_PROPOSAL'];
// Professionals proposed per booking: one MISSION_PROPOSAL each.
const PROPOSALS_PER_BOOKING = [1, 5] as const;

const job = (kind: Kind, i: number): RenderJob => {
  const booking = bookingData({ bookingId: deterministicId('bench-booking', i) });
  switch (kind) {
    case 'BOOKING_CONFIRMATION':
    case 'CUSTOMER_DETAILS':
      return { kind, booking };
    case 'INVOICE':
      return { kind, booking, invoiceNumber: `FA-2026-${String((i % 999_999) + 1).padStart(6, '0')}` };
    case 'MISSION_PROPOSAL':
      return {
        kind,
        proposal: proposalData({ professionalId: deterministicId('bench-pro', i) }),
        createdAt: '2026-03-02T10:16:00.000Z',
      };
  }
};

/**
 * Documents per second (wall clock) for `count` jobs of one kind, `inFlight` at a time, and the CPU time of this
 * process per document: on a shared machine the wall clock measures the neighbours too, the CPU time does not.
 */
const throughput = async (
  renderer: Renderer,
  kind: Kind,
  count: number,
  inFlight: number,
): Promise<{ perSecond: number; cpuMsEach: number }> => {
  for (let i = 0; i < Math.max(8, inFlight); i++) await renderer.render(job(kind, i));
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const lane = async () => {
    while (next < count) await renderer.render(job(kind, next++));
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { perSecond: count / seconds, cpuMsEach: (used.user + used.system) / 1000 / count };
};

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Bookings per second when each booking needs its 3 booking documents and `proposals` mission proposals. */
const fanOutBound = (rates: Record<Kind, number>, proposals: number): number =>
  1 /
  (1 / rates.BOOKING_CONFIRMATION +
    1 / rates.INVOICE +
    1 / rates.CUSTOMER_DETAILS +
    proposals / rates.MISSION_PROPOSAL);

/** The cost of the alternative: the same confirmation with pdfmake's Roboto TrueType fonts embedded. */
const robotoRate = async (count: number): Promise<number> => {
  const fontsDir = join(
    dirname(createRequire(import.meta.url).resolve('pdfmake/package.json')),
    'fonts',
    'Roboto',
  );
  const roboto = {
    normal: join(fontsDir, 'Roboto-Regular.ttf'),
    bold: join(fontsDir, 'Roboto-Medium.ttf'),
    italics: join(fontsDir, 'Roboto-Italic.ttf'),
    bolditalics: join(fontsDir, 'Roboto-MediumItalic.ttf'),
  };
  pdfmake.addFonts({ Roboto: roboto });
  const allowed = new Set([
    'Helvetica',
    'Helvetica-Bold',
    'Helvetica-Oblique',
    'Helvetica-BoldOblique',
    ...Object.values(roboto),
  ]);
  pdfmake.setLocalAccessPolicy((path) => allowed.has(path));
  const render = async (i: number) => {
    const doc = documentDefinition(job('BOOKING_CONFIRMATION', i), company);
    return pdfmake.createPdf({ ...doc, defaultStyle: { ...doc.defaultStyle, font: 'Roboto' } }).getBuffer();
  };
  for (let i = 0; i < 10; i++) await render(i);
  const started = performance.now();
  for (let i = 0; i < count; i++) await render(i);
  return count / ((performance.now() - started) / 1000);
};

/** The whole stage through NATS: BookingConfirmed published → DocumentsGenerated stored, bookings/s. */
const serviceRate = async (bookings: number): Promise<number> => {
  const [tn, database] = await Promise.all([createTestNats(), createTestDatabase()]);
  try {
    const service = await startService({
      natsUrl: tn.url,
      ns: tn.ns,
      databaseUrl: database.url,
      renderThreads: availableParallelism(),
    });
    try {
      const publisher = createPublisher(tn.nc, tn.ns);
      const started = performance.now();
      await Promise.all(
        Array.from({ length: bookings }, (_, i) =>
          publisher.publish(
            bookingConfirmed(
              { bookingId: deterministicId('bench-service-booking', i) },
              deterministicId('bench-service-event', i),
            ),
          ),
        ),
      );
      await waitFor(
        `${bookings * 2} DocumentsGenerated`,
        async () => (await tn.jsm.streams.info(tn.ns.stream('documents'))).state.messages >= bookings * 2,
        { timeoutMs: 600_000, intervalMs: 50 },
      );
      const seconds = (performance.now() - started) / 1000;
      const generated = (await streamEvents(tn.jsm, tn.ns.stream('documents'))).filter(
        (e) => e.type === DocumentsGenerated.type,
      );
      if (generated.length !== bookings * 2)
        throw new Error(`expected ${bookings * 2} DocumentsGenerated, got ${generated.length}`);
      return bookings / seconds;
    } finally {
      await service.stop();
    }
  } finally {
    await tn.cleanup();
    await database.drop();
  }
};

export async function run(): Promise<Row[]> {
  const threads = availableParallelism();
  const rows: Row[] = [];
  const single = createRenderPool({ company, threads: 1 });
  const pool = createRenderPool({ company, threads });
  const inline = createInlineRenderer(company);
  const poolRates = {} as Record<Kind, number>;
  const cpuRates = {} as Record<Kind, number>;
  try {
    for (const kind of KINDS) {
      const count = kind === 'MISSION_PROPOSAL' ? 200 : 400;
      const inlineRun = await throughput(inline, kind, count, 1);
      const singleRun = await throughput(single, kind, count, 4);
      const poolRun = await throughput(pool, kind, count, threads * 4);
      poolRates[kind] = poolRun.perSecond;
      cpuRates[kind] = 1000 / inlineRun.cpuMsEach;
      rows.push(
        {
          name: `${kind} on the calling thread`,
          value: round(inlineRun.perSecond),
          unit: 'PDF/s',
          note: `${round(1000 / inlineRun.perSecond, 2)} ms wall, ${round(inlineRun.cpuMsEach, 2)} ms CPU each`,
        },
        { name: `${kind}, pool of 1 worker`, value: round(singleRun.perSecond), unit: 'PDF/s' },
        {
          name: `${kind}, pool of ${threads} workers`,
          value: round(poolRun.perSecond),
          unit: 'PDF/s',
          note: `×${round(poolRun.perSecond / singleRun.perSecond, 2)} vs 1 worker`,
        },
      );
    }
  } finally {
    await Promise.all([single.close(), pool.close(), inline.close()]);
  }
  for (const proposals of [0, ...PROPOSALS_PER_BOOKING]) {
    rows.push(
      {
        name: `fan-out bound, 3 booking PDFs + ${proposals} mission proposal(s)`,
        value: round(fanOutBound(poolRates, proposals)),
        unit: 'bookings/s',
        note: `rendering only, measured pool of ${threads}`,
      },
      {
        name: `  same, from CPU time per PDF`,
        value: round(fanOutBound(cpuRates, proposals) * threads),
        unit: 'bookings/s',
        note: `${threads} cores fully available to rendering`,
      },
    );
  }
  rows.push({
    name: 'whole stage through NATS (render + Object Store + publish)',
    value: round(await serviceRate(200)),
    unit: 'bookings/s',
    note: `200 BookingConfirmed, 3 PDFs + 2 DocumentsGenerated each, ${threads} render threads`,
  });
  const roboto = await robotoRate(150);
  const helvetica = rows.find((r) => r.name === 'BOOKING_CONFIRMATION on the calling thread')!.value;
  rows.push({
    name: 'BOOKING_CONFIRMATION with embedded Roboto TTF (not used)',
    value: round(roboto),
    unit: 'PDF/s',
    note: `standard Helvetica is ×${round(helvetica / roboto, 2)} faster and draws € and accents`,
  });
  return rows;
}
