import { z } from 'zod';
import { Cents, Currency } from './common.ts';
import { defineEvent } from './registry.ts';

/** Customer data as Stripe gave it: metadata first, `customer_details` as fallback. Not yet normalised. */
const StripeCustomer = z.object({
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
});

const StripeRef = {
  stripeEventId: z.string().min(1),
  livemode: z.boolean(),
};

/**
 * The money for a checkout session is ours (`checkout.session.completed` with payment_status `paid` or
 * `no_payment_required`, or `checkout.session.async_payment_succeeded`). One envelope per Stripe event (id derived
 * from the Stripe event id), so ONE SESSION MAY YIELD MORE THAN ONE PaymentCompleted (both Stripe events paid, a
 * replay from the Stripe dashboard…): consumers dedupe by `checkoutSessionId`, not by envelope id. Events may also
 * arrive out of order (a refund before its completion).
 */
export const PaymentCompleted = defineEvent({
  type: 'payment.completed',
  context: 'payments',
  schema: z.object({
    ...StripeRef,
    checkoutSessionId: z.string().min(1),
    paymentIntentId: z.string().nullable(),
    temporaryId: z.string().min(1),
    amountCents: Cents.nonnegative(),
    currency: Currency,
    /** `paid` or `no_payment_required` (a zero-priced quote). */
    paymentStatus: z.enum(['paid', 'no_payment_required']),
    customer: StripeCustomer,
  }),
});

export const PaymentFailed = defineEvent({
  type: 'payment.failed',
  context: 'payments',
  schema: z.object({
    ...StripeRef,
    checkoutSessionId: z.string().min(1),
    temporaryId: z.string().nullable(),
    reason: z.string(),
  }),
});

export const PaymentRefunded = defineEvent({
  type: 'payment.refunded',
  context: 'payments',
  schema: z.object({
    ...StripeRef,
    chargeId: z.string().min(1),
    paymentIntentId: z.string().nullable(),
    amountRefundedCents: Cents.nonnegative(),
    currency: Currency,
    fullyRefunded: z.boolean(),
  }),
});

export const CheckoutExpired = defineEvent({
  type: 'checkout.expired',
  context: 'payments',
  schema: z.object({
    ...StripeRef,
    checkoutSessionId: z.string().min(1),
    temporaryId: z.string().nullable(),
  }),
});

/** Money may have moved but we cannot turn it into a booking on our own: staff must look. Never dropped. */
export const PaymentNeedsAttention = defineEvent({
  type: 'payment.needs_attention',
  context: 'payments',
  schema: z.object({
    ...StripeRef,
    stripeEventType: z.string(),
    checkoutSessionId: z.string().nullable(),
    reason: z.enum([
      'MISSING_TEMPORARY_ID',
      'UNSUPPORTED_CURRENCY',
      'INVALID_PAYLOAD',
      'ZERO_AMOUNT_FOR_PRICED_QUOTE',
    ]),
    detail: z.string(),
    amountCents: Cents.nullable(),
    currency: z.string().nullable(),
  }),
});
