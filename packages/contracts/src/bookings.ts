import { z } from 'zod';
import {
  Address,
  Cents,
  Currency,
  CustomerContact,
  E164,
  IsoDateTimeUtc,
  Price,
  ServiceSchedule,
  ServiceType,
} from './common.ts';
import { defineEvent } from './registry.ts';

/** Booking reference shown to people, e.g. EQ-2026-000123. */
export const BookingReference = z.string().regex(/^EQ-\d{4}-\d{6}$/);

/** Options that change the price of a service. */
export const QuoteOptions = z.object({
  /** Floors climbed by stairs at the pickup address (0 when there is a lift or it is on the ground floor). */
  pickupFloorsWithoutLift: z.number().int().min(0).max(30),
  deliveryFloorsWithoutLift: z.number().int().min(0).max(30),
  /** Packing of the goods by the team (MOVING and DELIVERY; PACKING is itself the service). */
  packing: z.boolean(),
  /** Disassembly and reassembly of furniture. */
  disassembly: z.boolean(),
});
export type QuoteOptions = z.infer<typeof QuoteOptions>;

/**
 * The integration event downstream services live on (documents, attribution, notifications). It carries
 * everything they need: nobody queries the booking service's database.
 */
export const BookingConfirmed = defineEvent({
  type: 'booking.confirmed',
  context: 'bookings',
  schema: z.object({
    bookingId: z.uuid(),
    reference: BookingReference,
    quoteId: z.uuid(),
    temporaryId: z.string().min(1),
    checkoutSessionId: z.string().min(1),
    paymentIntentId: z.string().nullable(),
    serviceType: ServiceType,
    schedule: ServiceSchedule,
    addresses: z.object({ pickup: Address, delivery: Address.nullable() }),
    customer: CustomerContact.extend({ customerId: z.uuid() }),
    price: Price,
    insurance: z.object({ wanted: z.boolean(), amountCents: Cents.nonnegative() }),
    amountPaidCents: Cents.nonnegative(),
    currency: Currency,
    urgent: z.boolean(),
    /** What was priced (added later: optional for older events). */
    volumeM3: z.number().nonnegative().nullable().optional(),
    distanceKm: z.number().int().nonnegative().nullable().optional(),
    options: QuoteOptions.optional(),
    trigger: z.literal('PAYMENT_COMPLETED'),
    confirmedAt: IsoDateTimeUtc,
  }),
});

/** Amount paid differs from the server-side price. The booking is still recorded with both amounts. */
export const PaymentAmountMismatch = defineEvent({
  type: 'booking.payment_amount_mismatch',
  context: 'bookings',
  schema: z.object({
    bookingId: z.uuid(),
    reference: BookingReference,
    checkoutSessionId: z.string().min(1),
    amountPaidCents: Cents,
    expectedCents: Cents,
    currency: Currency,
  }),
});

/** A completed payment the booking service cannot turn into a booking. Acked, never retried; staff decide. */
export const BookingPaymentNeedsAttention = defineEvent({
  type: 'booking.payment_needs_attention',
  context: 'bookings',
  schema: z.object({
    checkoutSessionId: z.string().min(1),
    temporaryId: z.string().nullable(),
    reason: z.enum([
      'UNKNOWN_QUOTE',
      'QUOTE_ALREADY_CONFIRMED',
      'INVALID_CUSTOMER',
      'ZERO_AMOUNT_FOR_PRICED_QUOTE',
      'PRICE_NOT_POSITIVE',
    ]),
    detail: z.string(),
    amountCents: Cents.nullable(),
  }),
});

export const BookingCancelled = defineEvent({
  type: 'booking.cancelled',
  context: 'bookings',
  schema: z.object({
    bookingId: z.uuid(),
    reference: BookingReference,
    reason: z.enum(['REFUNDED', 'CUSTOMER_REQUEST', 'STAFF']),
    refundedCents: Cents.nonnegative(),
    cancelledAt: IsoDateTimeUtc,
  }),
});

// ---------------------------------------------------------------------------------------------------------------
// The booking service's own domain events. Each lives in the event store stream of its aggregate (quote-<id>,
// customer-<id>, booking-<id>) and is relayed to `bookings.<type>`. Downstream services should build on
// `booking.confirmed` (event-carried state); these are the facts it is derived from.
// ---------------------------------------------------------------------------------------------------------------

/** What the customer asked for, normalised: the only input of the price. */
export const QuoteRequestDetails = z.object({
  serviceType: ServiceType,
  schedule: ServiceSchedule,
  addresses: z.object({ pickup: Address, delivery: Address.nullable() }),
  /** Volume in m³, one decimal at most; null when the service type does not need one. */
  volumeM3: z.number().nonnegative().nullable(),
  /** Road distance between the addresses in whole km, as estimated by the site; null without a delivery. */
  distanceKm: z.number().int().nonnegative().nullable(),
  options: QuoteOptions,
  insurance: z.object({ wanted: z.boolean() }),
  /** Contact left on the quote form, if any; the checkout's contact takes precedence. */
  contact: CustomerContact.nullable(),
});
export type QuoteRequestDetails = z.infer<typeof QuoteRequestDetails>;

export const QuoteStatus = z.enum(['REQUESTED', 'CONFIRMED']);
export type QuoteStatus = z.infer<typeof QuoteStatus>;

export const QuoteRequested = defineEvent({
  type: 'quote.requested',
  context: 'bookings',
  schema: z.object({
    quoteId: z.uuid(),
    /** The handle the site and Stripe's metadata carry (`/booking/<temporaryId>`). */
    temporaryId: z.string().min(1),
    request: QuoteRequestDetails,
    price: Price,
    requestedAt: IsoDateTimeUtc,
    expiresAt: IsoDateTimeUtc,
  }),
});

/** The quote was paid and turned into a booking (seed step 3.8). */
export const QuoteConfirmed = defineEvent({
  type: 'quote.confirmed',
  context: 'bookings',
  schema: z.object({
    quoteId: z.uuid(),
    temporaryId: z.string().min(1),
    bookingId: z.uuid(),
    checkoutSessionId: z.string().min(1),
    confirmedAt: IsoDateTimeUtc,
  }),
});

/** A checkout of this quote failed or expired; the quote stays open for another attempt. */
export const QuoteCheckoutAbandoned = defineEvent({
  type: 'quote.checkout_abandoned',
  context: 'bookings',
  schema: z.object({
    quoteId: z.uuid(),
    checkoutSessionId: z.string().min(1),
    reason: z.enum(['PAYMENT_FAILED', 'CHECKOUT_EXPIRED']),
    detail: z.string(),
    at: IsoDateTimeUtc,
  }),
});

export const CustomerRegistered = defineEvent({
  type: 'customer.registered',
  context: 'bookings',
  schema: CustomerContact.extend({ customerId: z.uuid(), registeredAt: IsoDateTimeUtc }),
});

/** A returning customer (same e-mail) gave another name or phone number at checkout. */
export const CustomerDetailsUpdated = defineEvent({
  type: 'customer.details_updated',
  context: 'bookings',
  schema: z.object({
    customerId: z.uuid(),
    firstName: z.string().min(1),
    lastName: z.string().min(1),
    phone: E164.nullable(),
    updatedAt: IsoDateTimeUtc,
  }),
});

export const BookingStatus = z.enum(['DRAFT', 'PAYMENT_COMPLETED', 'CANCELLED']);
export type BookingStatus = z.infer<typeof BookingStatus>;

/** Seed step 3.5: the booking exists, DRAFT, with the server-side price. */
export const BookingDrafted = defineEvent({
  type: 'booking.drafted',
  context: 'bookings',
  schema: z.object({
    bookingId: z.uuid(),
    reference: BookingReference,
    quoteId: z.uuid(),
    temporaryId: z.string().min(1),
    checkoutSessionId: z.string().min(1),
    customer: CustomerContact.extend({ customerId: z.uuid() }),
    request: QuoteRequestDetails,
    price: Price,
    insurance: z.object({ wanted: z.boolean(), amountCents: Cents.nonnegative() }),
    draftedAt: IsoDateTimeUtc,
  }),
});

/** Seed step 3.6: the money received for the booking. */
export const BookingTransactionRecorded = defineEvent({
  type: 'booking.transaction_recorded',
  context: 'bookings',
  schema: z.object({
    bookingId: z.uuid(),
    transactionId: z.uuid(),
    checkoutSessionId: z.string().min(1),
    paymentIntentId: z.string().nullable(),
    /** `none` for a zero-priced quote Stripe completed without payment. */
    method: z.enum(['card', 'none']),
    status: z.literal('COMPLETED'),
    amountCents: Cents.nonnegative(),
    currency: Currency,
    recordedAt: IsoDateTimeUtc,
  }),
});

/** Seed step 3.7: DRAFT → PAYMENT_COMPLETED. */
export const BookingPaymentCompleted = defineEvent({
  type: 'booking.payment_completed',
  context: 'bookings',
  schema: z.object({
    bookingId: z.uuid(),
    from: z.literal('DRAFT'),
    to: z.literal('PAYMENT_COMPLETED'),
    amountPaidCents: Cents.nonnegative(),
    completedAt: IsoDateTimeUtc,
  }),
});

/** Money went back to the customer (one Stripe refund event; amounts are cumulative per charge, as Stripe's). */
export const BookingRefunded = defineEvent({
  type: 'booking.refunded',
  context: 'bookings',
  schema: z.object({
    bookingId: z.uuid(),
    reference: BookingReference,
    stripeEventId: z.string().min(1),
    chargeId: z.string().min(1),
    paymentIntentId: z.string().min(1),
    /** This refund alone. */
    amountCents: Cents.positive(),
    /** Everything refunded on the booking so far, this refund included. */
    totalRefundedCents: Cents.positive(),
    fullyRefunded: z.boolean(),
    currency: Currency,
    refundedAt: IsoDateTimeUtc,
  }),
});

/** A refund that cannot be tied to a booking (Stripe gave no payment intent). Acked, staff decide. */
export const BookingRefundNeedsAttention = defineEvent({
  type: 'booking.refund_needs_attention',
  context: 'bookings',
  schema: z.object({
    stripeEventId: z.string().min(1),
    chargeId: z.string().min(1),
    paymentIntentId: z.string().nullable(),
    reason: z.enum(['NO_PAYMENT_INTENT']),
    detail: z.string(),
    amountRefundedCents: Cents.nonnegative(),
  }),
});
