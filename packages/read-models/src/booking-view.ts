import {
  type Address,
  BookingCancelled,
  BookingConfirmed,
  BookingDrafted,
  BookingPaymentCompleted,
  BookingRefunded,
  type BookingStatus,
  BookingTransactionRecorded,
  type DataOf,
  type EventDefinition,
  PaymentAmountMismatch,
  type Price,
  type ServiceSchedule,
  type ServiceType,
} from '@express-quote/contracts';

/*
 * The bookings read model of the booking service (its `bookings_view` table), shared with the CLI's rebuild
 * (`eq projections rebuild bookings-view`), which may not import a service: one fold, so the two cannot drift.
 */

/** The booking events the view folds; any other event leaves it as it is. */
export const BOOKING_VIEW_EVENTS = [
  BookingDrafted,
  BookingTransactionRecorded,
  BookingPaymentCompleted,
  PaymentAmountMismatch,
  BookingConfirmed,
  BookingRefunded,
  BookingCancelled,
] as const;

type TypeAndData<D> = D extends EventDefinition ? { type: D['type']; data: DataOf<D> } : never;

/** One of those events, type and data only (the booking service's own event union has this shape). */
export type BookingViewEvent = TypeAndData<(typeof BOOKING_VIEW_EVENTS)[number]>;

/**
 * What GET /api/bookings returns. The API has no authentication yet and references are sequential, so the view
 * leaves out what identifies a person (e-mail, phone, street, full last name).
 */
export interface BookingView {
  bookingId: string;
  reference: string;
  status: BookingStatus;
  quoteId: string;
  serviceType: ServiceType;
  schedule: ServiceSchedule;
  addresses: { pickup: PlaceView; delivery: PlaceView | null };
  customer: { customerId: string; displayName: string };
  price: Price;
  insurance: { wanted: boolean; amountCents: number };
  amountPaidCents: number | null;
  amountMismatch: { amountPaidCents: number; expectedCents: number } | null;
  refundedCents: number;
  urgent: boolean | null;
  draftedAt: string;
  confirmedAt: string | null;
  cancelledAt: string | null;
}

export interface PlaceView {
  postcode: string;
  city: string;
}

const place = (address: Address): PlaceView => ({ postcode: address.postcode, city: address.city });

/** Applies one booking event; null stays null until the booking is drafted. Pure: also used to rebuild. */
export const applyToView = (view: BookingView | null, event: BookingViewEvent): BookingView | null => {
  if (event.type === 'booking.drafted') {
    const d = event.data;
    return {
      bookingId: d.bookingId,
      reference: d.reference,
      status: 'DRAFT',
      quoteId: d.quoteId,
      serviceType: d.request.serviceType,
      schedule: d.request.schedule,
      addresses: {
        pickup: place(d.request.addresses.pickup),
        delivery: d.request.addresses.delivery ? place(d.request.addresses.delivery) : null,
      },
      customer: {
        customerId: d.customer.customerId,
        displayName: `${d.customer.firstName} ${d.customer.lastName.charAt(0)}.`,
      },
      price: d.price,
      insurance: d.insurance,
      amountPaidCents: null,
      amountMismatch: null,
      refundedCents: 0,
      urgent: null,
      draftedAt: d.draftedAt,
      confirmedAt: null,
      cancelledAt: null,
    };
  }
  if (!view) return null;
  switch (event.type) {
    case 'booking.transaction_recorded':
      return { ...view, amountPaidCents: event.data.amountCents };
    case 'booking.payment_completed':
      return { ...view, status: 'PAYMENT_COMPLETED', amountPaidCents: event.data.amountPaidCents };
    case 'booking.payment_amount_mismatch':
      return {
        ...view,
        amountMismatch: {
          amountPaidCents: event.data.amountPaidCents,
          expectedCents: event.data.expectedCents,
        },
      };
    case 'booking.confirmed':
      return { ...view, urgent: event.data.urgent, confirmedAt: event.data.confirmedAt };
    case 'booking.refunded':
      return { ...view, refundedCents: event.data.totalRefundedCents };
    case 'booking.cancelled':
      return { ...view, status: 'CANCELLED', cancelledAt: event.data.cancelledAt };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};
