import type {
  BookingCancelled,
  BookingConfirmed,
  BookingDrafted,
  BookingPaymentCompleted,
  BookingRefunded,
  BookingStatus,
  BookingTransactionRecorded,
  CustomerContact,
  DataOf,
  PaymentAmountMismatch,
  Price,
  QuoteRequestDetails,
} from '@express-quote/contracts';
import type { Decider } from '@express-quote/eventstore';
import { DomainError } from './errors.ts';
import { isUrgent } from './schedule.ts';

export type BookingEvent =
  | { type: 'booking.drafted'; data: DataOf<typeof BookingDrafted> }
  | { type: 'booking.transaction_recorded'; data: DataOf<typeof BookingTransactionRecorded> }
  | { type: 'booking.payment_completed'; data: DataOf<typeof BookingPaymentCompleted> }
  | { type: 'booking.payment_amount_mismatch'; data: DataOf<typeof PaymentAmountMismatch> }
  | { type: 'booking.confirmed'; data: DataOf<typeof BookingConfirmed> }
  | { type: 'booking.refunded'; data: DataOf<typeof BookingRefunded> }
  | { type: 'booking.cancelled'; data: DataOf<typeof BookingCancelled> };

type Drafted = DataOf<typeof BookingDrafted>;
type Transaction = DataOf<typeof BookingTransactionRecorded>;

export type BookingState =
  | { status: 'NONE' }
  | {
      status: BookingStatus;
      draft: Drafted;
      transaction: Transaction | null;
      confirmed: boolean;
      refundedCents: number;
      /** Stripe event ids of the refunds already recorded. */
      refundEvents: readonly string[];
    };

type Meta = { metadata: { now: Date } };

export type BookingCommand =
  | ({
      type: 'DraftBooking';
      data: {
        bookingId: string;
        reference: string;
        quoteId: string;
        temporaryId: string;
        checkoutSessionId: string;
        customer: CustomerContact & { customerId: string };
        request: QuoteRequestDetails;
        price: Price;
        insuranceCents: number;
      };
    } & Meta)
  | ({
      type: 'RecordTransaction';
      data: {
        transactionId: string;
        paymentIntentId: string | null;
        method: 'card' | 'none';
        amountCents: number;
      };
    } & Meta)
  | ({ type: 'CompletePayment'; data: Record<string, never> } & Meta)
  | ({ type: 'ConfirmBooking'; data: { urgentWithinMs: number } } & Meta)
  | ({
      type: 'RecordRefund';
      data: {
        stripeEventId: string;
        chargeId: string;
        paymentIntentId: string;
        /** Cumulative, as Stripe reports it on the charge. */
        totalRefundedCents: number;
        fullyRefunded: boolean;
      };
    } & Meta);

export type BookingErrorCode =
  | 'BOOKING_ALREADY_EXISTS'
  | 'BOOKING_NOT_FOUND'
  | 'INVALID_TRANSITION'
  | 'TRANSACTION_CONFLICT'
  | 'REFUND_PAYMENT_MISMATCH';

const fail = (code: BookingErrorCode, message: string): never => {
  throw new DomainError<BookingErrorCode>(code, message);
};

export const initialBookingState = (): BookingState => ({ status: 'NONE' });

export const evolveBooking = (state: BookingState, event: BookingEvent): BookingState => {
  if (event.type === 'booking.drafted') {
    return {
      status: 'DRAFT',
      draft: event.data,
      transaction: null,
      confirmed: false,
      refundedCents: 0,
      refundEvents: [],
    };
  }
  if (state.status === 'NONE') return state;
  switch (event.type) {
    case 'booking.transaction_recorded':
      return { ...state, transaction: event.data };
    case 'booking.payment_completed':
      return { ...state, status: 'PAYMENT_COMPLETED' };
    case 'booking.payment_amount_mismatch':
      return state;
    case 'booking.confirmed':
      return { ...state, confirmed: true };
    case 'booking.refunded':
      return {
        ...state,
        refundedCents: event.data.totalRefundedCents,
        refundEvents: [...state.refundEvents, event.data.stripeEventId],
      };
    case 'booking.cancelled':
      return { ...state, status: 'CANCELLED' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};

const existing = (state: BookingState) =>
  state.status === 'NONE' ? fail('BOOKING_NOT_FOUND', 'no such booking') : state;

export const decideBooking = (command: BookingCommand, state: BookingState): BookingEvent[] => {
  const now = command.metadata.now;
  const at = now.toISOString();
  switch (command.type) {
    case 'DraftBooking': {
      const d = command.data;
      if (state.status !== 'NONE') {
        // Same checkout again: already drafted. Another checkout can never share a booking id.
        if (state.draft.checkoutSessionId === d.checkoutSessionId) return [];
        return fail('BOOKING_ALREADY_EXISTS', `booking ${d.bookingId} belongs to another checkout`);
      }
      return [
        {
          type: 'booking.drafted',
          data: {
            bookingId: d.bookingId,
            reference: d.reference,
            quoteId: d.quoteId,
            temporaryId: d.temporaryId,
            checkoutSessionId: d.checkoutSessionId,
            customer: d.customer,
            request: d.request,
            price: d.price,
            insurance: { wanted: d.request.insurance.wanted, amountCents: d.insuranceCents },
            draftedAt: at,
          },
        },
      ];
    }
    case 'RecordTransaction': {
      const s = existing(state);
      const d = command.data;
      if (s.transaction) {
        if (s.transaction.transactionId === d.transactionId) return [];
        return fail(
          'TRANSACTION_CONFLICT',
          `booking ${s.draft.bookingId} already has a completed transaction`,
        );
      }
      if (s.status !== 'DRAFT')
        return fail('INVALID_TRANSITION', `cannot record a payment on a ${s.status} booking`);
      return [
        {
          type: 'booking.transaction_recorded',
          data: {
            bookingId: s.draft.bookingId,
            transactionId: d.transactionId,
            checkoutSessionId: s.draft.checkoutSessionId,
            paymentIntentId: d.paymentIntentId,
            method: d.method,
            status: 'COMPLETED',
            amountCents: d.amountCents,
            currency: 'EUR',
            recordedAt: at,
          },
        },
      ];
    }
    case 'CompletePayment': {
      const s = existing(state);
      if (s.status !== 'DRAFT') {
        if (s.status === 'PAYMENT_COMPLETED') return [];
        return fail('INVALID_TRANSITION', `cannot complete the payment of a ${s.status} booking`);
      }
      if (!s.transaction)
        return fail('INVALID_TRANSITION', 'no completed transaction to complete the payment with');
      return [
        {
          type: 'booking.payment_completed',
          data: {
            bookingId: s.draft.bookingId,
            from: 'DRAFT',
            to: 'PAYMENT_COMPLETED',
            amountPaidCents: s.transaction.amountCents,
            completedAt: at,
          },
        },
      ];
    }
    case 'ConfirmBooking': {
      const s = existing(state);
      if (s.confirmed) return [];
      if (s.status !== 'PAYMENT_COMPLETED' || !s.transaction) {
        return fail('INVALID_TRANSITION', `cannot confirm a ${s.status} booking`);
      }
      const { draft, transaction } = s;
      const events: BookingEvent[] = [];
      // Never a silent override: both amounts are kept and staff are told.
      if (transaction.amountCents !== draft.price.totalCents) {
        events.push({
          type: 'booking.payment_amount_mismatch',
          data: {
            bookingId: draft.bookingId,
            reference: draft.reference,
            checkoutSessionId: draft.checkoutSessionId,
            amountPaidCents: transaction.amountCents,
            expectedCents: draft.price.totalCents,
            currency: 'EUR',
          },
        });
      }
      const { request } = draft;
      events.push({
        type: 'booking.confirmed',
        data: {
          bookingId: draft.bookingId,
          reference: draft.reference,
          quoteId: draft.quoteId,
          temporaryId: draft.temporaryId,
          checkoutSessionId: draft.checkoutSessionId,
          paymentIntentId: transaction.paymentIntentId,
          serviceType: request.serviceType,
          schedule: request.schedule,
          addresses: request.addresses,
          customer: draft.customer,
          price: draft.price,
          insurance: draft.insurance,
          amountPaidCents: transaction.amountCents,
          currency: 'EUR',
          urgent: isUrgent(request.schedule, now, command.data.urgentWithinMs),
          volumeM3: request.volumeM3,
          distanceKm: request.distanceKm,
          options: request.options,
          trigger: 'PAYMENT_COMPLETED',
          confirmedAt: at,
        },
      });
      return events;
    }
    case 'RecordRefund': {
      const s = existing(state);
      const d = command.data;
      if (s.status === 'DRAFT' || !s.transaction) {
        return fail('INVALID_TRANSITION', 'cannot refund a booking that was not paid');
      }
      if (s.transaction.paymentIntentId !== d.paymentIntentId) {
        return fail(
          'REFUND_PAYMENT_MISMATCH',
          `refund of ${d.paymentIntentId} does not match the booking's payment`,
        );
      }
      if (s.refundEvents.includes(d.stripeEventId)) return [];
      const events: BookingEvent[] = [];
      // Stripe's amount is cumulative: an older partial refund arriving late adds nothing.
      const delta = d.totalRefundedCents - s.refundedCents;
      const total = Math.max(d.totalRefundedCents, s.refundedCents);
      if (delta > 0) {
        events.push({
          type: 'booking.refunded',
          data: {
            bookingId: s.draft.bookingId,
            reference: s.draft.reference,
            stripeEventId: d.stripeEventId,
            chargeId: d.chargeId,
            paymentIntentId: d.paymentIntentId,
            amountCents: delta,
            totalRefundedCents: d.totalRefundedCents,
            fullyRefunded: d.fullyRefunded,
            currency: 'EUR',
            refundedAt: at,
          },
        });
      }
      // A partial refund (a goodwill gesture) keeps the booking; a full one cancels it.
      const full = d.fullyRefunded || total >= s.transaction.amountCents;
      if (full && s.status !== 'CANCELLED') {
        events.push({
          type: 'booking.cancelled',
          data: {
            bookingId: s.draft.bookingId,
            reference: s.draft.reference,
            reason: 'REFUNDED',
            refundedCents: total,
            cancelledAt: at,
          },
        });
      }
      return events;
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
};

export const bookingDecider: Decider<BookingCommand, BookingEvent, BookingState> = {
  initialState: initialBookingState,
  evolve: evolveBooking,
  decide: decideBooking,
};
