import type { QuoteRequestDetails } from '@express-quote/contracts';
import { type EventStore, handleCommand } from '@express-quote/eventstore';
import type { TestDatabase } from '@express-quote/testing';
import { testLogger, waitFor } from '@express-quote/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computePrice } from '../src/domain/pricing.ts';
import { DEFAULT_PRICING_RATES, type PricingRates } from '../src/domain/pricing-rates.ts';
import { type QuoteCommand, type QuoteEvent, type QuoteState, quoteDecider } from '../src/domain/quote.ts';
import type { HandlerDeps } from '../src/handlers/handler-deps.ts';
import { handlePaymentCompleted } from '../src/handlers/payment-completed.ts';
import { handlePaymentRefunded } from '../src/handlers/payment-refunded.ts';
import { projectBookings, rebuildBookingsView } from '../src/projections/bookings-projection.ts';
import { bookingIdOf, quoteIdOf } from '../src/streams.ts';
import { REQUEST } from './fixtures.ts';
import {
  NOW,
  newCheckoutSession,
  newPaymentIntent,
  paymentCompleted,
  paymentRefunded,
  startTestStore,
} from './harness.ts';
import { bookingsViewRows } from './read-model.ts';

const log = testLogger('handlers');
const FREE: PricingRates = {
  ...DEFAULT_PRICING_RATES,
  services: { ...DEFAULT_PRICING_RATES.services, CLEANING: { baseCents: 0, perM3Cents: 0, perKmCents: 0 } },
};
// Every test uses its own quotes, sessions and e-mails: the database is shared by the file.
const LATER: QuoteRequestDetails = {
  ...REQUEST,
  schedule: { ...REQUEST.schedule, date: '2030-03-20', startsAt: '2030-03-20T07:00:00.000Z' },
};

const FREE_CLEANING: QuoteRequestDetails = {
  ...LATER,
  serviceType: 'CLEANING',
  addresses: { ...LATER.addresses, delivery: null },
  distanceKm: null,
  insurance: { wanted: false },
};

let tdb: TestDatabase;
let store: EventStore;
let deps: HandlerDeps;
let quotes = 0;

beforeAll(async () => {
  ({ tdb, store, deps } = await startTestStore(FREE));
});
afterAll(() => tdb?.drop());

const requestQuote = async (request: QuoteRequestDetails = LATER) => {
  const temporaryId = `tq_handlers_${quotes++}`;
  const quoteId = quoteIdOf(temporaryId);
  const { price } = computePrice(request, deps.rates);
  await handleCommand<QuoteCommand, QuoteEvent, QuoteState>({
    store,
    streamId: `quote-${quoteId}`,
    decider: quoteDecider,
    command: {
      type: 'RequestQuote',
      data: { quoteId, temporaryId, request, price, expiresAt: new Date('2030-03-17T00:00:00Z') },
      metadata: { now: NOW, causationId: 'test', correlationId: 'test' },
    },
  } as never);
  return { temporaryId, quoteId, totalCents: price.totalCents };
};

const streamTypes = async (streamId: string) => (await store.readStream(streamId)).map((e) => e.type);
const customer = (email: string, phone: string | null = null) => ({
  firstName: 'Marie',
  lastName: 'Curie',
  email,
  phone,
});

describe('payment.completed handler against Postgres', () => {
  it('books once when the same payment is handled 5 times at once', async () => {
    const quote = await requestQuote();
    const payment = paymentCompleted({
      temporaryId: quote.temporaryId,
      amountCents: quote.totalCents,
      customer: customer('once@example.fr'),
    });
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map(() => handlePaymentCompleted(payment, deps, log)));
    expect(outcomes.filter((o) => o.kind === 'booked')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'duplicate')).toHaveLength(4);
    const bookingId = bookingIdOf(payment.data.checkoutSessionId);
    expect(await streamTypes(`booking-${bookingId}`)).toEqual([
      'booking.drafted',
      'booking.transaction_recorded',
      'booking.payment_completed',
      'booking.confirmed',
    ]);
    // After a crash between commit and ack the redelivery finds the checkout row: nothing more is written.
    expect(await handlePaymentCompleted(payment, deps, log)).toEqual({ kind: 'duplicate' });
    expect(await streamTypes(`quote-${quote.quoteId}`)).toEqual(['quote.requested', 'quote.confirmed']);
  });

  it('lets one of several checkouts of the same quote confirm it; the others need attention', async () => {
    const quote = await requestQuote();
    const payments = [1, 2, 3, 4, 5].map(() =>
      paymentCompleted({
        temporaryId: quote.temporaryId,
        amountCents: quote.totalCents,
        customer: customer('race@example.fr'),
      }),
    );
    const outcomes = await Promise.all(payments.map((p) => handlePaymentCompleted(p, deps, log)));
    expect(outcomes.filter((o) => o.kind === 'booked')).toHaveLength(1);
    expect(
      outcomes.filter((o) => o.kind === 'needs_attention' && o.reason === 'QUOTE_ALREADY_CONFIRMED'),
    ).toHaveLength(4);
    expect(await streamTypes(`quote-${quote.quoteId}`)).toEqual(['quote.requested', 'quote.confirmed']);
    const losers = payments.filter((_, i) => outcomes[i]!.kind === 'needs_attention');
    for (const p of losers) {
      expect(await streamTypes(`checkout-${p.data.checkoutSessionId}`)).toEqual([
        'booking.payment_needs_attention',
      ]);
    }
  });

  it('finds a customer by e-mail whatever its case, even when two checkouts register it at once', async () => {
    const [a, b] = [await requestQuote(), await requestQuote()];
    const outcomes = await Promise.all([
      handlePaymentCompleted(
        paymentCompleted({
          temporaryId: a.temporaryId,
          amountCents: a.totalCents,
          customer: customer('Marie.Curie@Example.FR'),
        }),
        deps,
        log,
      ),
      handlePaymentCompleted(
        paymentCompleted({
          temporaryId: b.temporaryId,
          amountCents: b.totalCents,
          customer: customer('marie.curie@example.fr'),
        }),
        deps,
        log,
      ),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['booked', 'booked']);
    const rows = await sql<{ email: string; customer_id: string }>`
      select email, customer_id from booking.customers_by_email where email = 'marie.curie@example.fr'`.execute(
      tdb.db,
    );
    expect(rows.rows).toHaveLength(1);
    const customerId = rows.rows[0]!.customer_id;
    expect(await streamTypes(`customer-${customerId}`)).toEqual(['customer.registered']);
    for (const o of outcomes) {
      if (o.kind !== 'booked') continue;
      const [drafted] = await store.readStream(`booking-${o.bookingId}`);
      expect(drafted!.data).toMatchObject({ customer: { customerId, email: 'marie.curie@example.fr' } });
    }
  });

  it("updates a returning customer's phone and books with it", async () => {
    const [a, b] = [await requestQuote(), await requestQuote()];
    await handlePaymentCompleted(
      paymentCompleted({
        temporaryId: a.temporaryId,
        amountCents: a.totalCents,
        customer: customer('back@example.fr', '0611111111'),
      }),
      deps,
      log,
    );
    const second = await handlePaymentCompleted(
      paymentCompleted({
        temporaryId: b.temporaryId,
        amountCents: b.totalCents,
        customer: customer('back@example.fr', '+33622222222'),
      }),
      deps,
      log,
    );
    expect(second.kind).toBe('booked');
    const { rows } = await sql<{ customer_id: string }>`
      select customer_id from booking.customers_by_email where email = 'back@example.fr'`.execute(tdb.db);
    const history = await store.readStream(`customer-${rows[0]!.customer_id}`);
    expect(history.map((e) => [e.type, (e.data as { phone: string }).phone])).toEqual([
      ['customer.registered', '+33611111111'],
      ['customer.details_updated', '+33622222222'],
    ]);
    if (second.kind !== 'booked') return;
    const confirmed = (await store.readStream(`booking-${second.bookingId}`)).at(-1)!;
    expect(confirmed.data).toMatchObject({ customer: { phone: '+33622222222' } });
  });

  it('books a returning customer from several checkouts at once, each update on top of the last', async () => {
    const first = await requestQuote();
    await handlePaymentCompleted(
      paymentCompleted({
        temporaryId: first.temporaryId,
        amountCents: first.totalCents,
        customer: customer('busy@example.fr', '0600000000'),
      }),
      deps,
      log,
    );
    const quotes = [await requestQuote(), await requestQuote(), await requestQuote(), await requestQuote()];
    const outcomes = await Promise.all(
      quotes.map((q, i) =>
        handlePaymentCompleted(
          paymentCompleted({
            temporaryId: q.temporaryId,
            amountCents: q.totalCents,
            customer: customer('busy@example.fr', `060000000${i + 1}`),
          }),
          deps,
          log,
        ),
      ),
    );
    expect(outcomes.map((o) => o.kind)).toEqual(['booked', 'booked', 'booked', 'booked']);
    const { rows } = await sql<{ customer_id: string }>`
      select customer_id from booking.customers_by_email where email = 'busy@example.fr'`.execute(tdb.db);
    const history = await store.readStream(`customer-${rows[0]!.customer_id}`);
    expect(history.map((e) => e.type)).toEqual([
      'customer.registered',
      'customer.details_updated',
      'customer.details_updated',
      'customer.details_updated',
      'customer.details_updated',
    ]);
    expect(history.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5]);
  });

  it('numbers bookings per year on the Paris calendar', async () => {
    const newYearsEve = { ...deps, clock: () => new Date('2030-12-31T22:59:00.000Z') };
    const newYear = { ...deps, clock: () => new Date('2030-12-31T23:01:00.000Z') };
    const later: QuoteRequestDetails = {
      ...LATER,
      schedule: { ...LATER.schedule, date: '2031-01-20', startsAt: '2031-01-20T07:00:00.000Z' },
    };
    const [a, b, c] = [await requestQuote(later), await requestQuote(later), await requestQuote(later)];
    const refs: string[] = [];
    for (const [q, d] of [
      [a, newYearsEve],
      [b, newYear],
      [c, newYear],
    ] as const) {
      const o = await handlePaymentCompleted(
        paymentCompleted({
          temporaryId: q!.temporaryId,
          amountCents: q!.totalCents,
          customer: customer('year@example.fr'),
        }),
        d,
        log,
      );
      if (o.kind === 'booked') refs.push(o.reference);
    }
    expect(refs[0]).toMatch(/^EQ-2030-\d{6}$/);
    expect(refs.slice(1)).toEqual(['EQ-2031-000001', 'EQ-2031-000002']);
  });

  it('accepts a zero amount only for a zero-priced quote Stripe completed without payment', async () => {
    const free = await requestQuote(FREE_CLEANING);
    expect(free.totalCents).toBe(0);
    const ok = await handlePaymentCompleted(
      paymentCompleted({
        temporaryId: free.temporaryId,
        amountCents: 0,
        paymentStatus: 'no_payment_required',
        paymentIntentId: null,
        customer: customer('free@example.fr'),
      }),
      deps,
      log,
    );
    expect(ok).toMatchObject({ kind: 'booked', mismatch: false });
    if (ok.kind === 'booked') {
      const [, transaction] = await store.readStream(`booking-${ok.bookingId}`);
      expect(transaction!.data).toMatchObject({ method: 'none', amountCents: 0, paymentIntentId: null });
    }
    const priced = await requestQuote();
    expect(
      await handlePaymentCompleted(
        paymentCompleted({
          temporaryId: priced.temporaryId,
          amountCents: 0,
          paymentStatus: 'no_payment_required',
          customer: customer('free@example.fr'),
        }),
        deps,
        log,
      ),
    ).toMatchObject({ kind: 'needs_attention', reason: 'ZERO_AMOUNT_FOR_PRICED_QUOTE' });
    const freeAgain = await requestQuote(FREE_CLEANING);
    expect(
      await handlePaymentCompleted(
        paymentCompleted({
          temporaryId: freeAgain.temporaryId,
          amountCents: 100,
          customer: customer('free@example.fr'),
        }),
        deps,
        log,
      ),
    ).toMatchObject({ kind: 'needs_attention', reason: 'PRICE_NOT_POSITIVE' });
  });

  it('needs attention when no e-mail is known for the customer', async () => {
    const quote = await requestQuote();
    const outcome = await handlePaymentCompleted(
      paymentCompleted({
        temporaryId: quote.temporaryId,
        amountCents: quote.totalCents,
        customer: { firstName: 'A', lastName: 'B', email: null, phone: null },
      }),
      deps,
      log,
    );
    expect(outcome).toEqual({
      kind: 'needs_attention',
      reason: 'INVALID_CUSTOMER',
      detail: 'no e-mail at checkout',
    });
  });
});

describe('payment.refunded handler against Postgres', () => {
  it('ends cancelled whichever of the refund and the payment commits first, run concurrently', async () => {
    for (let round = 0; round < 8; round++) {
      const quote = await requestQuote();
      const paymentIntentId = newPaymentIntent();
      const checkoutSessionId = newCheckoutSession();
      const payment = paymentCompleted({
        temporaryId: quote.temporaryId,
        amountCents: quote.totalCents,
        paymentIntentId,
        checkoutSessionId,
        customer: customer('refund@example.fr'),
      });
      const refund = paymentRefunded({
        paymentIntentId,
        amountRefundedCents: quote.totalCents,
        fullyRefunded: true,
      });
      const [, refunded] = await Promise.all([
        handlePaymentCompleted(payment, deps, log),
        handlePaymentRefunded(refund, deps, log),
      ]);
      expect(['applied', 'parked']).toContain(refunded.kind);
      expect(await streamTypes(`booking-${bookingIdOf(checkoutSessionId)}`)).toEqual([
        'booking.drafted',
        'booking.transaction_recorded',
        'booking.payment_completed',
        'booking.confirmed',
        'booking.refunded',
        'booking.cancelled',
      ]);
      // Handled again (redelivery): nothing more.
      expect(['applied', 'duplicate']).toContain((await handlePaymentRefunded(refund, deps, log)).kind);
      expect(await streamTypes(`booking-${bookingIdOf(checkoutSessionId)}`)).toHaveLength(6);
    }
  });

  it('keeps a partially refunded booking and cancels it when the rest is refunded', async () => {
    const quote = await requestQuote();
    const paymentIntentId = newPaymentIntent();
    const payment = paymentCompleted({
      temporaryId: quote.temporaryId,
      amountCents: quote.totalCents,
      paymentIntentId,
      customer: customer('partial@example.fr'),
    });
    await handlePaymentCompleted(payment, deps, log);
    const streamId = `booking-${bookingIdOf(payment.data.checkoutSessionId)}`;
    await handlePaymentRefunded(
      paymentRefunded({ paymentIntentId, amountRefundedCents: 1_000, fullyRefunded: false }),
      deps,
      log,
    );
    expect((await streamTypes(streamId)).slice(4)).toEqual(['booking.refunded']);
    await handlePaymentRefunded(
      paymentRefunded({ paymentIntentId, amountRefundedCents: quote.totalCents, fullyRefunded: true }),
      deps,
      log,
    );
    const tail = (await store.readStream(streamId)).slice(4);
    expect(tail.map((e) => [e.type, (e.data as { amountCents?: number }).amountCents])).toEqual([
      ['booking.refunded', 1_000],
      ['booking.refunded', quote.totalCents - 1_000],
      ['booking.cancelled', undefined],
    ]);
  });

  it('records a refund Stripe gave no payment intent for, once', async () => {
    const refund = paymentRefunded({ paymentIntentId: null, amountRefundedCents: 500, fullyRefunded: false });
    expect(await handlePaymentRefunded(refund, deps, log)).toEqual({ kind: 'needs_attention' });
    expect(await handlePaymentRefunded(refund, deps, log)).toEqual({ kind: 'duplicate' });
    expect(await streamTypes(`refund-${refund.data.chargeId}`)).toEqual(['booking.refund_needs_attention']);
  });
});

describe('bookings read model', () => {
  it('rebuilds to the same rows as the incremental projection, and re-applying changes nothing', async () => {
    // readAll is gap-safe: it holds back events while ANY older transaction of the cluster is open (other test
    // files run beside this one), so wait until everything this file wrote is visible.
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from booking.events`.execute(tdb.db);
    const all = await waitFor('every event to be visible to readAll', async () => {
      const events = await store.readAll(null, 100_000);
      return events.length === rows[0]!.n ? events : undefined;
    });
    const half = Math.floor(all.length / 2);
    await tdb.db.transaction().execute(async (trx) => {
      await projectBookings(trx, all.slice(0, half));
      await projectBookings(trx, all.slice(half));
      // A batch delivered again after a crash.
      await projectBookings(trx, all.slice(half));
    });
    const incremental = await bookingsViewRows(tdb.db);
    expect(incremental.length).toBeGreaterThan(10);
    expect(incremental.some((r) => r.status === 'CANCELLED')).toBe(true);
    await rebuildBookingsView(tdb.db, store, 7);
    expect(await bookingsViewRows(tdb.db)).toEqual(incremental);
  });
});
