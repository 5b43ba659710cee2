import { describe, expect, it } from 'vitest';
import {
  type BookingCommand,
  type BookingEvent,
  bookingDecider,
  initialBookingState,
} from '../src/domain/booking.ts';
import { decideAll } from '../src/domain/decide-all.ts';
import { CUSTOMER, PRICE, REQUEST, T0, T1, T2 } from './fixtures.ts';
import { runDeciderCases } from './given-when-then.ts';

const BOOKING_ID = '0195f000-0000-7000-8000-0000000000b1';
const QUOTE_ID = '0195f000-0000-7000-8000-0000000000a1';
const TX_ID = '0195f000-0000-7000-8000-0000000000c1';
const REF = 'EQ-2026-000042';
const HOURS_48 = 48 * 3_600_000;

const drafted: BookingEvent = {
  type: 'booking.drafted',
  data: {
    bookingId: BOOKING_ID,
    reference: REF,
    quoteId: QUOTE_ID,
    temporaryId: 'tq_abc',
    checkoutSessionId: 'cs_1',
    customer: CUSTOMER,
    request: REQUEST,
    price: PRICE,
    insurance: { wanted: true, amountCents: 3_000 },
    draftedAt: T0.toISOString(),
  },
};
const transaction = (amountCents = 15_000): BookingEvent => ({
  type: 'booking.transaction_recorded',
  data: {
    bookingId: BOOKING_ID,
    transactionId: TX_ID,
    checkoutSessionId: 'cs_1',
    paymentIntentId: 'pi_1',
    method: 'card',
    status: 'COMPLETED',
    amountCents,
    currency: 'EUR',
    recordedAt: T0.toISOString(),
  },
});
const paid = (amountPaidCents = 15_000): BookingEvent => ({
  type: 'booking.payment_completed',
  data: {
    bookingId: BOOKING_ID,
    from: 'DRAFT',
    to: 'PAYMENT_COMPLETED',
    amountPaidCents,
    completedAt: T0.toISOString(),
  },
});
const confirmedEvent = (
  over: { urgent?: boolean; amountPaidCents?: number; at?: Date } = {},
): BookingEvent => ({
  type: 'booking.confirmed',
  data: {
    bookingId: BOOKING_ID,
    reference: REF,
    quoteId: QUOTE_ID,
    temporaryId: 'tq_abc',
    checkoutSessionId: 'cs_1',
    paymentIntentId: 'pi_1',
    serviceType: 'MOVING',
    schedule: REQUEST.schedule,
    addresses: REQUEST.addresses,
    customer: CUSTOMER,
    price: PRICE,
    insurance: { wanted: true, amountCents: 3_000 },
    amountPaidCents: over.amountPaidCents ?? 15_000,
    currency: 'EUR',
    urgent: over.urgent ?? false,
    volumeM3: 20,
    distanceKm: 465,
    options: REQUEST.options,
    trigger: 'PAYMENT_COMPLETED',
    confirmedAt: (over.at ?? T1).toISOString(),
  },
});
const refunded = (
  stripeEventId: string,
  amountCents: number,
  total: number,
  full: boolean,
): BookingEvent => ({
  type: 'booking.refunded',
  data: {
    bookingId: BOOKING_ID,
    reference: REF,
    stripeEventId,
    chargeId: 'ch_1',
    paymentIntentId: 'pi_1',
    amountCents,
    totalRefundedCents: total,
    fullyRefunded: full,
    currency: 'EUR',
    refundedAt: T2.toISOString(),
  },
});
const cancelled = (refundedCents: number): BookingEvent => ({
  type: 'booking.cancelled',
  data: {
    bookingId: BOOKING_ID,
    reference: REF,
    reason: 'REFUNDED',
    refundedCents,
    cancelledAt: T2.toISOString(),
  },
});

const draft = (checkoutSessionId = 'cs_1'): BookingCommand => ({
  type: 'DraftBooking',
  data: {
    bookingId: BOOKING_ID,
    reference: REF,
    quoteId: QUOTE_ID,
    temporaryId: 'tq_abc',
    checkoutSessionId,
    customer: CUSTOMER,
    request: REQUEST,
    price: PRICE,
    insuranceCents: 3_000,
  },
  metadata: { now: T0 },
});
const recordTransaction = (transactionId = TX_ID, amountCents = 15_000): BookingCommand => ({
  type: 'RecordTransaction',
  data: { transactionId, paymentIntentId: 'pi_1', method: 'card', amountCents },
  metadata: { now: T0 },
});
const completePayment: BookingCommand = { type: 'CompletePayment', data: {}, metadata: { now: T0 } };
const confirm = (now = T1): BookingCommand => ({
  type: 'ConfirmBooking',
  data: { urgentWithinMs: HOURS_48 },
  metadata: { now },
});
const refund = (
  stripeEventId: string,
  total: number,
  full: boolean,
  paymentIntentId = 'pi_1',
): BookingCommand => ({
  type: 'RecordRefund',
  data: { stripeEventId, chargeId: 'ch_1', paymentIntentId, totalRefundedCents: total, fullyRefunded: full },
  metadata: { now: T2 },
});

const PAID = [drafted, transaction(), paid()];
const CONFIRMED = [...PAID, confirmedEvent()];

describe('booking decider', () => {
  runDeciderCases(bookingDecider, [
    { name: 'a paid checkout drafts a booking', given: [], when: draft(), thenEvents: [drafted] },
    {
      name: 'drafting again for the same checkout is a replay',
      given: [drafted],
      when: draft(),
      thenEvents: [],
    },
    {
      name: 'another checkout cannot take the booking',
      given: [drafted],
      when: draft('cs_2'),
      thenThrows: 'BOOKING_ALREADY_EXISTS',
    },
    {
      name: 'the transaction is recorded on the draft',
      given: [drafted],
      when: recordTransaction(),
      thenEvents: [transaction()],
    },
    {
      name: 'the same transaction is recorded once',
      given: [drafted, transaction()],
      when: recordTransaction(),
      thenEvents: [],
    },
    {
      name: 'a second, different transaction is refused',
      given: [drafted, transaction()],
      when: recordTransaction('0195f000-0000-7000-8000-0000000000c2'),
      thenThrows: 'TRANSACTION_CONFLICT',
    },
    {
      name: 'no transaction without a booking',
      given: [],
      when: recordTransaction(),
      thenThrows: 'BOOKING_NOT_FOUND',
    },
    {
      name: 'DRAFT cannot become PAYMENT_COMPLETED without a transaction',
      given: [drafted],
      when: completePayment,
      thenThrows: 'INVALID_TRANSITION',
    },
    {
      name: 'DRAFT → PAYMENT_COMPLETED',
      given: [drafted, transaction()],
      when: completePayment,
      thenEvents: [paid()],
    },
    { name: 'completing twice is a replay', given: PAID, when: completePayment, thenEvents: [] },
    { name: 'a paid booking is confirmed', given: PAID, when: confirm(), thenEvents: [confirmedEvent()] },
    {
      name: 'a service within 48 h is urgent',
      given: PAID,
      when: confirm(new Date('2026-03-18T07:00:00.000Z')),
      thenEvents: [confirmedEvent({ urgent: true, at: new Date('2026-03-18T07:00:00.000Z') })],
    },
    {
      name: 'a service just over 48 h away is not urgent',
      given: PAID,
      when: confirm(new Date('2026-03-18T06:59:59.000Z')),
      thenEvents: [confirmedEvent({ urgent: false, at: new Date('2026-03-18T06:59:59.000Z') })],
    },
    {
      name: 'an amount that differs from the price is confirmed with a mismatch, never overridden',
      given: [drafted, transaction(14_000), paid(14_000)],
      when: confirm(),
      thenEvents: [
        {
          type: 'booking.payment_amount_mismatch',
          data: {
            bookingId: BOOKING_ID,
            reference: REF,
            checkoutSessionId: 'cs_1',
            amountPaidCents: 14_000,
            expectedCents: 15_000,
            currency: 'EUR',
          },
        },
        confirmedEvent({ amountPaidCents: 14_000 }),
      ],
    },
    { name: 'confirming twice is a replay', given: CONFIRMED, when: confirm(), thenEvents: [] },
    {
      name: 'a DRAFT cannot be confirmed',
      given: [drafted],
      when: confirm(),
      thenThrows: 'INVALID_TRANSITION',
    },
    {
      name: 'a full refund refunds and cancels',
      given: CONFIRMED,
      when: refund('evt_r1', 15_000, true),
      thenEvents: [refunded('evt_r1', 15_000, 15_000, true), cancelled(15_000)],
    },
    {
      name: 'a partial refund keeps the booking',
      given: CONFIRMED,
      when: refund('evt_r1', 5_000, false),
      thenEvents: [refunded('evt_r1', 5_000, 5_000, false)],
    },
    {
      name: 'the same refund event is recorded once',
      given: [...CONFIRMED, refunded('evt_r1', 5_000, 5_000, false)],
      when: refund('evt_r1', 5_000, false),
      thenEvents: [],
    },
    {
      name: 'a later partial refund adds the difference and cancels once everything is refunded',
      given: [...CONFIRMED, refunded('evt_r1', 5_000, 5_000, false)],
      when: refund('evt_r2', 15_000, true),
      thenEvents: [refunded('evt_r2', 10_000, 15_000, true), cancelled(15_000)],
    },
    {
      name: 'an older partial refund arriving after a larger one adds nothing',
      given: [...CONFIRMED, refunded('evt_r2', 8_000, 8_000, false)],
      when: refund('evt_r1', 5_000, false),
      thenEvents: [],
    },
    {
      name: 'a cancelled booking is not cancelled twice',
      given: [...CONFIRMED, refunded('evt_r1', 15_000, 15_000, true), cancelled(15_000)],
      when: refund('evt_r9', 15_000, true),
      thenEvents: [],
    },
    {
      name: 'a refund of another payment is refused',
      given: CONFIRMED,
      when: refund('evt_r1', 15_000, true, 'pi_other'),
      thenThrows: 'REFUND_PAYMENT_MISMATCH',
    },
    {
      name: 'a draft cannot be refunded',
      given: [drafted],
      when: refund('evt_r1', 15_000, true),
      thenThrows: 'INVALID_TRANSITION',
    },
    {
      name: 'a refund needs a booking',
      given: [],
      when: refund('evt_r1', 15_000, true),
      thenThrows: 'BOOKING_NOT_FOUND',
    },
  ]);

  it('runs seed step 3 as one sequence of commands', () => {
    const { events, state } = decideAll(bookingDecider, initialBookingState(), [
      draft(),
      recordTransaction(),
      completePayment,
      confirm(),
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'booking.drafted',
      'booking.transaction_recorded',
      'booking.payment_completed',
      'booking.confirmed',
    ]);
    expect(state).toMatchObject({ status: 'PAYMENT_COMPLETED', confirmed: true });
  });

  it('gives the same end state to a refund applied right after the confirmation', () => {
    const inOrder = decideAll(bookingDecider, initialBookingState(), [
      draft(),
      recordTransaction(),
      completePayment,
      confirm(),
    ]);
    const later = decideAll(bookingDecider, inOrder.state, [refund('evt_r1', 15_000, true)]);
    const atOnce = decideAll(bookingDecider, initialBookingState(), [
      draft(),
      recordTransaction(),
      completePayment,
      confirm(),
      refund('evt_r1', 15_000, true),
    ]);
    expect(atOnce.state).toEqual(later.state);
    expect(atOnce.events).toEqual([...inOrder.events, ...later.events]);
  });
});
