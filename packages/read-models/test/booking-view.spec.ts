import type { BookingDrafted, DataOf } from '@express-quote/contracts';
import { describe, expect, it } from 'vitest';
import { applyToView, type BookingView, type BookingViewEvent } from '../src/booking-view.ts';

const bookingId = '0195f000-0000-7000-8000-0000000000b1';
const reference = 'EQ-2026-000042';

const drafted: DataOf<typeof BookingDrafted> = {
  bookingId,
  reference,
  quoteId: '0195f000-0000-7000-8000-0000000000a1',
  temporaryId: 'tmp_1',
  checkoutSessionId: 'cs_test_1',
  customer: {
    customerId: '0195f000-0000-7000-8000-000000000001',
    firstName: 'Jean',
    lastName: 'Dupont',
    email: 'jean.dupont@example.fr',
    phone: '+33612345678',
  },
  request: {
    serviceType: 'MOVING',
    schedule: {
      date: '2026-03-20',
      startTime: '08:00',
      endTime: '12:00',
      timeZone: 'Europe/Paris',
      startsAt: '2026-03-20T07:00:00.000Z',
    },
    addresses: {
      pickup: { street: '10 rue de Rivoli', postcode: '75001', city: 'Paris', country: 'FR' },
      delivery: { street: '5 place Bellecour', postcode: '69002', city: 'Lyon', country: 'FR' },
    },
    volumeM3: 20,
    distanceKm: 465,
    options: { pickupFloorsWithoutLift: 0, deliveryFloorsWithoutLift: 0, packing: false, disassembly: false },
    insurance: { wanted: true },
    contact: null,
  },
  price: {
    lines: [{ code: 'BASE', label: 'Forfait déménagement', amountCents: 15_000 }],
    totalCents: 15_000,
    currency: 'EUR',
    vatRatePercent: 20,
  },
  insurance: { wanted: true, amountCents: 3_000 },
  draftedAt: '2026-03-10T09:00:00.000Z',
};

const draftedView: BookingView = {
  bookingId,
  reference,
  status: 'DRAFT',
  quoteId: drafted.quoteId,
  serviceType: 'MOVING',
  schedule: drafted.request.schedule,
  addresses: { pickup: { postcode: '75001', city: 'Paris' }, delivery: { postcode: '69002', city: 'Lyon' } },
  customer: { customerId: drafted.customer.customerId, displayName: 'Jean D.' },
  price: drafted.price,
  insurance: { wanted: true, amountCents: 3_000 },
  amountPaidCents: null,
  amountMismatch: null,
  refundedCents: 0,
  urgent: null,
  draftedAt: '2026-03-10T09:00:00.000Z',
  confirmedAt: null,
  cancelledAt: null,
};

const ev = {
  drafted: { type: 'booking.drafted', data: drafted },
  transaction: {
    type: 'booking.transaction_recorded',
    data: {
      bookingId,
      transactionId: '0195f000-0000-7000-8000-0000000000c1',
      checkoutSessionId: 'cs_test_1',
      paymentIntentId: 'pi_1',
      method: 'card',
      status: 'COMPLETED',
      amountCents: 14_000,
      currency: 'EUR',
      recordedAt: '2026-03-10T09:05:00.000Z',
    },
  },
  paymentCompleted: {
    type: 'booking.payment_completed',
    data: {
      bookingId,
      from: 'DRAFT',
      to: 'PAYMENT_COMPLETED',
      amountPaidCents: 15_000,
      completedAt: '2026-03-10T09:05:00.000Z',
    },
  },
  mismatch: {
    type: 'booking.payment_amount_mismatch',
    data: {
      bookingId,
      reference,
      checkoutSessionId: 'cs_test_1',
      amountPaidCents: 14_000,
      expectedCents: 15_000,
      currency: 'EUR',
    },
  },
  confirmed: {
    type: 'booking.confirmed',
    data: {
      bookingId,
      reference,
      quoteId: drafted.quoteId,
      temporaryId: 'tmp_1',
      checkoutSessionId: 'cs_test_1',
      paymentIntentId: 'pi_1',
      serviceType: 'MOVING',
      schedule: drafted.request.schedule,
      addresses: drafted.request.addresses,
      customer: drafted.customer,
      price: drafted.price,
      insurance: drafted.insurance,
      amountPaidCents: 15_000,
      currency: 'EUR',
      urgent: true,
      trigger: 'PAYMENT_COMPLETED',
      confirmedAt: '2026-03-10T09:06:00.000Z',
    },
  },
  refunded: {
    type: 'booking.refunded',
    data: {
      bookingId,
      reference,
      stripeEventId: 'evt_1',
      chargeId: 'ch_1',
      paymentIntentId: 'pi_1',
      amountCents: 5_000,
      totalRefundedCents: 7_000,
      fullyRefunded: false,
      currency: 'EUR',
      refundedAt: '2026-03-11T12:00:00.000Z',
    },
  },
  cancelled: {
    type: 'booking.cancelled',
    data: {
      bookingId,
      reference,
      reason: 'REFUNDED',
      refundedCents: 15_000,
      cancelledAt: '2026-03-11T12:00:00.000Z',
    },
  },
} satisfies Record<string, BookingViewEvent>;

const fold = (events: BookingViewEvent[]) =>
  events.reduce<BookingView | null>((view, event) => applyToView(view, event), null);

describe('applyToView', () => {
  const cases: Array<{ name: string; given: BookingViewEvent[]; expected: BookingView | null }> = [
    { name: 'nothing before the draft', given: [ev.transaction, ev.confirmed], expected: null },
    {
      name: 'a draft: no e-mail, phone, street or full last name',
      given: [ev.drafted],
      expected: draftedView,
    },
    {
      name: 'a recorded transaction sets the amount paid, status unchanged',
      given: [ev.drafted, ev.transaction],
      expected: { ...draftedView, amountPaidCents: 14_000 },
    },
    {
      name: 'a completed payment moves to PAYMENT_COMPLETED with its amount',
      given: [ev.drafted, ev.transaction, ev.paymentCompleted],
      expected: { ...draftedView, status: 'PAYMENT_COMPLETED', amountPaidCents: 15_000 },
    },
    {
      name: 'a mismatch is recorded beside the status',
      given: [ev.drafted, ev.mismatch],
      expected: { ...draftedView, amountMismatch: { amountPaidCents: 14_000, expectedCents: 15_000 } },
    },
    {
      name: 'a confirmation sets urgency and time, status unchanged',
      given: [ev.drafted, ev.paymentCompleted, ev.confirmed],
      expected: {
        ...draftedView,
        status: 'PAYMENT_COMPLETED',
        amountPaidCents: 15_000,
        urgent: true,
        confirmedAt: '2026-03-10T09:06:00.000Z',
      },
    },
    {
      name: 'a refund keeps the cumulative total, not the single refund',
      given: [ev.drafted, ev.refunded],
      expected: { ...draftedView, refundedCents: 7_000 },
    },
    {
      name: 'a cancellation moves to CANCELLED',
      given: [ev.drafted, ev.cancelled],
      expected: { ...draftedView, status: 'CANCELLED', cancelledAt: '2026-03-11T12:00:00.000Z' },
    },
    {
      name: 'a booking without a delivery address',
      given: [
        {
          type: 'booking.drafted',
          data: {
            ...drafted,
            request: { ...drafted.request, addresses: { ...drafted.request.addresses, delivery: null } },
          },
        },
      ],
      expected: {
        ...draftedView,
        addresses: { pickup: { postcode: '75001', city: 'Paris' }, delivery: null },
      },
    },
  ];
  it.each(cases)('$name', ({ given, expected }) => {
    expect(fold(given)).toEqual(expected);
  });

  it('does not mutate the view it is given', () => {
    const before = fold([ev.drafted])!;
    const copy = structuredClone(before);
    applyToView(before, ev.cancelled);
    expect(before).toEqual(copy);
  });
});
