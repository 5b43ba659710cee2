import { createEvent, type Envelope, PaymentFailed } from '@express-quote/contracts';
import type { BookingView } from '@express-quote/read-models';
import { waitFor } from '@express-quote/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingIdOf } from '../src/streams.ts';
import {
  NOW,
  newCheckoutSession,
  newPaymentIntent,
  paymentCompleted,
  paymentRefunded,
  quoteBody,
  type RunningBooking,
  startTestBooking,
} from './harness.ts';

let bk: RunningBooking;

beforeAll(async () => {
  bk = await startTestBooking();
});
afterAll(() => bk?.stop());

interface QuoteCreated {
  temporaryId: string;
  quoteId: string;
  price: { totalCents: number; lines: unknown[] };
}

const createQuote = async (over: Record<string, unknown> = {}): Promise<QuoteCreated> => {
  const res = await bk.service.app.inject({ method: 'POST', url: '/api/quotes', payload: quoteBody(over) });
  expect(res.statusCode).toBe(201);
  return res.json();
};

const eventsOn = async (context: 'bookings' | 'payments', filter: (e: Envelope) => boolean) =>
  (await bk.streamMessages(context)).filter((m) => filter(m.event));

const waitForEvent = (type: string, match: (data: Record<string, unknown>) => boolean) =>
  waitFor(`${type} on BOOKINGS`, async () => {
    const found = await eventsOn(
      'bookings',
      (e) => e.type === type && match(e.data as Record<string, unknown>),
    );
    return found.length > 0 ? found : undefined;
  });

const consumerIdle = (durable: string) =>
  waitFor(`${durable} to ack everything`, async () => {
    const info = await bk.nats.jsm.consumers.info(bk.nats.ns.stream('payments'), durable);
    return info.num_pending === 0 && info.num_ack_pending === 0 ? info : undefined;
  });

/** Waits until the relay published every stored event, then returns the booking's events on BOOKINGS. */
const relayed = async (bookingId: string) => {
  await waitFor('relay to publish every stored event', async () => {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from booking.events`.execute(
      bk.tdb.db,
    );
    const info = await bk.nats.jsm.streams.info(bk.nats.ns.stream('bookings'));
    return info.state.messages === rows[0]!.n;
  });
  return eventsOn('bookings', (e) => e.streamId === `booking-${bookingId}`);
};

const bookingView = (bookingId: string, status: string): Promise<BookingView> =>
  waitFor<BookingView>(`read model of ${bookingId} in ${status}`, async () => {
    const res = await bk.service.app.inject({ method: 'GET', url: `/api/bookings/${bookingId}` });
    if (res.statusCode !== 200) return undefined;
    const view = res.json<BookingView>();
    return view.status === status ? view : undefined;
  });

describe('booking flow through the streams', () => {
  let first: { quote: QuoteCreated; bookingId: string; checkoutSessionId: string };

  it('turns a payment.completed into booking.confirmed on BOOKINGS with the exact snapshot', async () => {
    const quote = await createQuote();
    expect(quote.price.totalCents).toBe(188_700);
    const checkoutSessionId = newCheckoutSession();
    const paymentIntentId = newPaymentIntent();
    const payment = paymentCompleted({
      temporaryId: quote.temporaryId,
      amountCents: 188_700,
      checkoutSessionId,
      paymentIntentId,
      stripeEventId: 'evt_snapshot_1',
    });
    await bk.publish(payment);

    const [confirmed] = await waitForEvent(
      'booking.confirmed',
      (d) => d.checkoutSessionId === checkoutSessionId,
    );
    const bookingId = bookingIdOf(checkoutSessionId);
    const registered = await waitForEvent('customer.registered', (d) => d.email === 'jean.dupont@example.fr');
    const customerId = (registered[0]!.event.data as { customerId: string }).customerId;
    expect(confirmed!.subject).toBe('bookings.booking.confirmed');
    expect(confirmed!.event).toMatchObject({
      type: 'booking.confirmed',
      version: 1,
      streamId: `booking-${bookingId}`,
      correlationId: 'evt_snapshot_1',
      causationId: payment.id,
      occurredAt: NOW.toISOString(),
    });
    expect(confirmed!.event.data).toEqual({
      bookingId,
      reference: 'EQ-2030-000001',
      quoteId: quote.quoteId,
      temporaryId: quote.temporaryId,
      checkoutSessionId,
      paymentIntentId,
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
      customer: {
        customerId,
        firstName: 'Jean',
        lastName: 'Dupont',
        email: 'jean.dupont@example.fr',
        phone: '+33612345678',
      },
      price: quote.price,
      insurance: { wanted: true, amountCents: 3_000 },
      amountPaidCents: 188_700,
      currency: 'EUR',
      urgent: false,
      volumeM3: 20,
      distanceKm: 465,
      options: {
        pickupFloorsWithoutLift: 0,
        deliveryFloorsWithoutLift: 0,
        packing: false,
        disassembly: false,
      },
      trigger: 'PAYMENT_COMPLETED',
      confirmedAt: NOW.toISOString(),
    });

    // Seed step 3 as events, each in its aggregate's stream, all in the Stripe event's correlation chain.
    const chain = await eventsOn('bookings', (e) => e.correlationId === 'evt_snapshot_1');
    expect(chain.map((m) => [m.event.type, m.event.streamId])).toEqual([
      ['customer.registered', `customer-${customerId}`],
      ['booking.drafted', `booking-${bookingId}`],
      ['booking.transaction_recorded', `booking-${bookingId}`],
      ['booking.payment_completed', `booking-${bookingId}`],
      ['booking.confirmed', `booking-${bookingId}`],
      ['quote.confirmed', `quote-${quote.quoteId}`],
    ]);
    expect(chain.every((m) => m.event.causationId === payment.id)).toBe(true);
    expect(chain[2]!.event.data).toMatchObject({
      paymentIntentId,
      method: 'card',
      status: 'COMPLETED',
      amountCents: 188_700,
    });
    first = { quote, bookingId, checkoutSessionId };
  });

  it('serves the booking from the read model, by id and by reference, without personal contact data', async () => {
    const view = await bookingView(first.bookingId, 'PAYMENT_COMPLETED');
    expect(view).toMatchObject({
      bookingId: first.bookingId,
      reference: 'EQ-2030-000001',
      status: 'PAYMENT_COMPLETED',
      customer: { displayName: 'Jean D.' },
      amountPaidCents: 188_700,
      amountMismatch: null,
      urgent: false,
      addresses: { pickup: { postcode: '75001', city: 'Paris' } },
    });
    const json = JSON.stringify(view);
    expect(json).not.toContain('jean.dupont@example.fr');
    expect(json).not.toContain('+33612345678');
    expect(json).not.toContain('rue de Rivoli');
    const byRef = await bk.service.app.inject({
      method: 'GET',
      url: '/api/bookings?reference=EQ-2030-000001',
    });
    expect(byRef.statusCode).toBe(200);
    expect(byRef.json()).toEqual({ bookings: [view] });
    const quote = await bk.service.app.inject({
      method: 'GET',
      url: `/api/quotes/${first.quote.temporaryId}`,
    });
    expect(quote.json()).toMatchObject({ status: 'CONFIRMED', bookingId: first.bookingId });
  });

  it('makes one booking of the same payment delivered 5 times, concurrently', async () => {
    const quote = await createQuote({ serviceDate: '2030-04-02' });
    const checkoutSessionId = newCheckoutSession();
    const paymentIntentId = newPaymentIntent();
    const payment = paymentCompleted({
      temporaryId: quote.temporaryId,
      amountCents: quote.price.totalCents,
      checkoutSessionId,
      paymentIntentId,
    });
    // One session can yield several Stripe events (completed, async_payment_succeeded, a dashboard replay), and
    // each message can be redelivered: distinct envelope ids and identical copies, all at once.
    const sameSession = [1, 2].map(() =>
      paymentCompleted({
        temporaryId: quote.temporaryId,
        amountCents: quote.price.totalCents,
        checkoutSessionId,
        paymentIntentId,
      }),
    );
    await Promise.all([
      bk.publish(payment),
      bk.publishRaw(payment),
      bk.publishRaw(payment),
      ...sameSession.map((e) => bk.publish(e)),
    ]);
    await consumerIdle('booking-payment-completed');
    const bookingId = bookingIdOf(checkoutSessionId);
    const events = await relayed(bookingId);
    expect(events.map((m) => m.event.type)).toEqual([
      'booking.drafted',
      'booking.transaction_recorded',
      'booking.payment_completed',
      'booking.confirmed',
    ]);
    const confirmations = await eventsOn('bookings', (e) => e.type === 'booking.confirmed');
    expect(
      confirmations.filter(
        (m) => (m.event.data as { checkoutSessionId: string }).checkoutSessionId === checkoutSessionId,
      ),
    ).toHaveLength(1);
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from booking.checkout_sessions where checkout_session_id = ${checkoutSessionId}`.execute(
      bk.tdb.db,
    );
    expect(rows[0]!.n).toBe(1);
    // The second booking of the year; no reference was burnt by the duplicates.
    expect((events[0]!.event.data as { reference: string }).reference).toBe('EQ-2030-000002');
    // Same e-mail as the first booking: the customer was found, not created again.
    const registrations = await eventsOn('bookings', (e) => e.type === 'customer.registered');
    expect(registrations).toHaveLength(1);
  });

  it('records a booking whose amount differs from the price, with both amounts and a mismatch event', async () => {
    const quote = await createQuote({ serviceDate: '2030-04-03', insurance: false });
    const checkoutSessionId = newCheckoutSession();
    await bk.publish(
      paymentCompleted({
        temporaryId: quote.temporaryId,
        amountCents: quote.price.totalCents - 500,
        checkoutSessionId,
      }),
    );
    const bookingId = bookingIdOf(checkoutSessionId);
    await waitForEvent('booking.confirmed', (d) => d.checkoutSessionId === checkoutSessionId);
    const events = await relayed(bookingId);
    const mismatch = events.find((m) => m.event.type === 'booking.payment_amount_mismatch');
    expect(mismatch?.event.data).toMatchObject({
      bookingId,
      checkoutSessionId,
      amountPaidCents: quote.price.totalCents - 500,
      expectedCents: quote.price.totalCents,
      currency: 'EUR',
    });
    const confirmed = events.find((m) => m.event.type === 'booking.confirmed');
    expect(confirmed?.event.data).toMatchObject({
      amountPaidCents: quote.price.totalCents - 500,
      price: { totalCents: quote.price.totalCents },
    });
    const view = await bookingView(bookingId, 'PAYMENT_COMPLETED');
    expect(view.amountMismatch).toEqual({
      amountPaidCents: quote.price.totalCents - 500,
      expectedCents: quote.price.totalCents,
    });
  });

  it('acks a payment for an unknown quote with booking.payment_needs_attention', async () => {
    const checkoutSessionId = newCheckoutSession();
    const payment = paymentCompleted({
      temporaryId: 'tq_no_such_quote',
      amountCents: 10_000,
      checkoutSessionId,
      stripeEventId: 'evt_unknown_quote',
    });
    await bk.publish(payment);
    const [attention] = await waitForEvent(
      'booking.payment_needs_attention',
      (d) => d.checkoutSessionId === checkoutSessionId,
    );
    expect(attention!.event).toMatchObject({
      correlationId: 'evt_unknown_quote',
      causationId: payment.id,
      data: {
        checkoutSessionId,
        temporaryId: 'tq_no_such_quote',
        reason: 'UNKNOWN_QUOTE',
        amountCents: 10_000,
      },
    });
    const info = await consumerIdle('booking-payment-completed');
    expect(info.num_redelivered).toBe(0);
  });

  it('does not confirm a quote twice: another checkout gets payment_needs_attention', async () => {
    const checkoutSessionId = newCheckoutSession();
    await bk.publish(
      paymentCompleted({
        temporaryId: first.quote.temporaryId,
        amountCents: first.quote.price.totalCents,
        checkoutSessionId,
      }),
    );
    const [attention] = await waitForEvent(
      'booking.payment_needs_attention',
      (d) => d.checkoutSessionId === checkoutSessionId,
    );
    expect(attention!.event.data).toMatchObject({
      reason: 'QUOTE_ALREADY_CONFIRMED',
      temporaryId: first.quote.temporaryId,
    });
    await consumerIdle('booking-payment-completed');
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from booking.streams where stream_id = ${`booking-${bookingIdOf(checkoutSessionId)}`}`.execute(
      bk.tdb.db,
    );
    expect(rows[0]!.n).toBe(0);
  });

  const bookAndRefund = async (order: 'refund-last' | 'refund-first', serviceDate: string) => {
    const quote = await createQuote({ serviceDate });
    const checkoutSessionId = newCheckoutSession();
    const paymentIntentId = newPaymentIntent();
    const payment = paymentCompleted({
      temporaryId: quote.temporaryId,
      amountCents: quote.price.totalCents,
      checkoutSessionId,
      paymentIntentId,
    });
    const refund = paymentRefunded({
      paymentIntentId,
      amountRefundedCents: quote.price.totalCents,
      fullyRefunded: true,
    });
    const bookingId = bookingIdOf(checkoutSessionId);
    if (order === 'refund-last') {
      await bk.publish(payment);
      await waitForEvent('booking.confirmed', (d) => d.bookingId === bookingId);
      await bk.publish(refund);
    } else {
      await bk.publish(refund);
      await waitFor('refund to be parked', async () => {
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from booking.pending_refunds where payment_intent_id = ${paymentIntentId}`.execute(
          bk.tdb.db,
        );
        return rows[0]!.n === 1;
      });
      await bk.publish(payment);
    }
    await waitForEvent('booking.cancelled', (d) => d.bookingId === bookingId);
    await consumerIdle('booking-payment-refunded');
    await consumerIdle('booking-payment-completed');
    const events = await relayed(bookingId);
    const view = await bookingView(bookingId, 'CANCELLED');
    return { events, view, refund, total: quote.price.totalCents };
  };

  it('refunds and cancels a booking on payment.refunded, in either order, to the same end state', async () => {
    const inOrder = await bookAndRefund('refund-last', '2030-04-10');
    const outOfOrder = await bookAndRefund('refund-first', '2030-04-11');
    const expectedTypes = [
      'booking.drafted',
      'booking.transaction_recorded',
      'booking.payment_completed',
      'booking.confirmed',
      'booking.refunded',
      'booking.cancelled',
    ];
    for (const run of [inOrder, outOfOrder]) {
      expect(run.events.map((m) => m.event.type)).toEqual(expectedTypes);
      const [refunded, cancelled] = run.events.slice(4);
      expect(refunded!.event).toMatchObject({
        correlationId: run.refund.correlationId,
        causationId: run.refund.id,
        data: { amountCents: run.total, totalRefundedCents: run.total, fullyRefunded: true },
      });
      expect(cancelled!.event.data).toMatchObject({ reason: 'REFUNDED', refundedCents: run.total });
      expect(run.view).toMatchObject({
        status: 'CANCELLED',
        refundedCents: run.total,
        amountPaidCents: run.total,
      });
    }
    const {
      bookingId: _a,
      reference: _r,
      schedule: _s,
      draftedAt: _d,
      customer: _c,
      quoteId: _q,
      ...inOrderRest
    } = inOrder.view;
    const {
      bookingId: _b,
      reference: _r2,
      schedule: _s2,
      draftedAt: _d2,
      customer: _c2,
      quoteId: _q2,
      ...outRest
    } = outOfOrder.view;
    expect(outRest).toEqual(inOrderRest);
  });

  it('records a failed checkout on its quote and keeps the quote payable', async () => {
    const quote = await createQuote({ serviceDate: '2030-04-12' });
    const failed = createEvent(
      PaymentFailed,
      {
        stripeEventId: 'evt_failed_1',
        livemode: false,
        checkoutSessionId: 'cs_failed_1',
        temporaryId: quote.temporaryId,
        reason: 'card_declined',
      },
      { cause: { externalId: 'evt_failed_1' } },
    );
    await bk.publish(failed);
    const [abandoned] = await waitForEvent('quote.checkout_abandoned', (d) => d.quoteId === quote.quoteId);
    expect(abandoned!.event).toMatchObject({
      correlationId: 'evt_failed_1',
      data: { checkoutSessionId: 'cs_failed_1', reason: 'PAYMENT_FAILED', detail: 'card_declined' },
    });
    const res = await bk.service.app.inject({ method: 'GET', url: `/api/quotes/${quote.temporaryId}` });
    expect(res.json()).toMatchObject({ status: 'REQUESTED', bookingId: null });
  });
});
