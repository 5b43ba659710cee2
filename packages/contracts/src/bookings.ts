import { z } from 'zod';
import {
  Address,
  Cents,
  Currency,
  CustomerContact,
  IsoDateTimeUtc,
  Price,
  ServiceSchedule,
  ServiceType,
} from './common.ts';
import { defineEvent } from './registry.ts';

/** Booking reference shown to people, e.g. EQ-2026-000123. */
export const BookingReference = z.string().regex(/^EQ-\d{4}-\d{6}$/);

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
