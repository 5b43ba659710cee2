import { createEvent, PaymentCompleted, type QuoteRequestDetails } from '@express-quote/contracts';
import { createEventStore, handleCommand, migrateEventStore } from '@express-quote/eventstore';
import { createTestDatabase, testLogger } from '@express-quote/testing';
import { BOOKING_SCHEMA } from '../src/database.ts';
import { computePrice } from '../src/domain/pricing.ts';
import { DEFAULT_PRICING_RATES } from '../src/domain/pricing-rates.ts';
import { type QuoteCommand, type QuoteEvent, type QuoteState, quoteDecider } from '../src/domain/quote.ts';
import { toEnvelopes } from '../src/event-envelopes.ts';
import type { HandlerDeps } from '../src/handlers/handler-deps.ts';
import { handlePaymentCompleted } from '../src/handlers/payment-completed.ts';
import { migrateBooking } from '../src/migrations.ts';
import { quoteIdOf } from '../src/streams.ts';

interface Row {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const NOW = new Date('2030-03-10T09:00:00.000Z');
const REQUEST: QuoteRequestDetails = {
  serviceType: 'MOVING',
  schedule: {
    date: '2030-03-20',
    startTime: '08:00',
    endTime: '12:00',
    timeZone: 'Europe/Paris',
    startsAt: '2030-03-20T07:00:00.000Z',
  },
  addresses: {
    pickup: { street: '10 rue de Rivoli', postcode: '75001', city: 'Paris', country: 'FR' },
    delivery: { street: '5 place Bellecour', postcode: '69002', city: 'Lyon', country: 'FR' },
  },
  volumeM3: 20,
  distanceKm: 465,
  options: { pickupFloorsWithoutLift: 2, deliveryFloorsWithoutLift: 0, packing: true, disassembly: false },
  insurance: { wanted: true },
  contact: null,
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

/** Pricing speed, and seed step 3 (payment.completed → 7 events in 3 streams, one transaction) against Postgres. */
export async function run(): Promise<Row[]> {
  const rows: Row[] = [];
  const pricingRuns = 100_000;
  let started = performance.now();
  for (let i = 0; i < pricingRuns; i++) computePrice(REQUEST, DEFAULT_PRICING_RATES);
  rows.push({
    name: 'computePrice',
    value: Math.round(pricingRuns / ((performance.now() - started) / 1000)),
    unit: 'prices/s',
  });

  const tdb = await createTestDatabase();
  try {
    await migrateEventStore(tdb.db, BOOKING_SCHEMA);
    await migrateBooking(tdb.db);
    const store = createEventStore(tdb.db, { schema: BOOKING_SCHEMA, idleInTransactionTimeoutMs: null });
    const deps: HandlerDeps = {
      db: tdb.db,
      store,
      rates: DEFAULT_PRICING_RATES,
      urgentWithinMs: 48 * 3_600_000,
      clock: () => NOW,
    };
    const { price } = computePrice(REQUEST, DEFAULT_PRICING_RATES);
    const payments = async (count: number, tag: string) => {
      const out = [];
      for (let i = 0; i < count; i++) {
        const temporaryId = `tq_bench_${tag}_${i}`;
        const quoteId = quoteIdOf(temporaryId);
        await handleCommand<QuoteCommand, QuoteEvent, QuoteState>({
          store,
          streamId: `quote-${quoteId}`,
          decider: quoteDecider,
          command: {
            type: 'RequestQuote',
            data: {
              quoteId,
              temporaryId,
              request: REQUEST,
              price,
              expiresAt: new Date('2030-03-17T00:00:00Z'),
            },
            metadata: { now: NOW },
          },
          toEnvelopes: (events, { streamId }) =>
            toEnvelopes(events, { cause: { externalId: `quote-${quoteId}` }, streamId, now: NOW }),
        });
        const stripeEventId = `evt_bench_${tag}_${i}`;
        out.push(
          createEvent(
            PaymentCompleted,
            {
              stripeEventId,
              livemode: false,
              checkoutSessionId: `cs_bench_${tag}_${i}`,
              paymentIntentId: `pi_bench_${tag}_${i}`,
              temporaryId,
              amountCents: price.totalCents,
              currency: 'EUR',
              paymentStatus: 'paid',
              customer: {
                firstName: 'Jean',
                lastName: 'Dupont',
                email: `client${tag}${i}@example.fr`,
                phone: '0612345678',
              },
            },
            { cause: { externalId: stripeEventId } },
          ),
        );
      }
      return out;
    };
    const logger = testLogger('bench');

    const sequential = await payments(300, 'seq');
    const latencies: number[] = [];
    started = performance.now();
    for (const p of sequential) {
      const t0 = performance.now();
      await handlePaymentCompleted(p, deps, logger);
      latencies.push(performance.now() - t0);
    }
    const seqSeconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    rows.push({
      name: 'payment.completed → booking, sequential',
      value: Math.round(300 / seqSeconds),
      unit: 'bookings/s',
      note: '7 events, 3 streams, 1 transaction',
    });
    rows.push({ name: 'payment.completed → booking, p50', value: percentile(latencies, 0.5), unit: 'ms' });
    rows.push({ name: 'payment.completed → booking, p99', value: percentile(latencies, 0.99), unit: 'ms' });

    const parallel = await payments(400, 'par');
    const concurrency = 8;
    started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < parallel.length) await handlePaymentCompleted(parallel[next++]!, deps, logger);
      }),
    );
    const parSeconds = (performance.now() - started) / 1000;
    rows.push({
      name: `payment.completed → booking, concurrency ${concurrency}`,
      value: Math.round(400 / parSeconds),
      unit: 'bookings/s',
      note: 'the per-year reference counter serializes commits',
    });

    const dup = sequential.slice(0, 200);
    started = performance.now();
    for (const p of dup) await handlePaymentCompleted(p, deps, logger);
    rows.push({
      name: 'redelivered payment (already booked)',
      value: Math.round(200 / ((performance.now() - started) / 1000)),
      unit: 'acks/s',
    });
  } finally {
    await tdb.drop();
  }
  return rows;
}
