import { z } from 'zod';

/*
 * The parts of Stripe's webhook payloads this gateway reads. Real payloads carry dozens of other fields, and
 * Stripe adds more with every API version: every object is `.loose()` so unknown fields pass through untouched
 * (the full payload is kept in the stripe_events table anyway).
 */

/** The signed event wrapper. Without these fields a request is not a Stripe event at all. */
export const StripeEventSchema = z
  .object({
    id: z.string().min(1),
    object: z.literal('event').optional(),
    type: z.string().min(1),
    /** Unix seconds: when Stripe created the event, used as the occurredAt of what we publish. */
    created: z.number().int().nonnegative(),
    livemode: z.boolean(),
    data: z.object({ object: z.record(z.string(), z.unknown()) }).loose(),
  })
  .loose();
export type StripeEvent = z.infer<typeof StripeEventSchema>;

/** Stripe metadata values are strings; an empty string is how a form sends "nothing". */
const Metadata = z.record(z.string(), z.string()).nullish();

/** Stripe sends ids, but an expanded object is legal in API responses: accept both, keep the id. */
const ObjectId = z
  .union([z.string().min(1), z.object({ id: z.string().min(1) }).loose()])
  .nullish()
  .transform((v) => (v == null ? null : typeof v === 'string' ? v : v.id));

const CustomerDetails = z
  .object({
    email: z.string().nullish(),
    name: z.string().nullish(),
    phone: z.string().nullish(),
  })
  .loose()
  .nullish();

export const CheckoutSessionSchema = z
  .object({
    id: z.string().min(1),
    object: z.literal('checkout.session'),
    payment_status: z.enum(['paid', 'unpaid', 'no_payment_required']),
    payment_intent: ObjectId,
    amount_total: z.number().int().nullable(),
    currency: z.string().nullable(),
    metadata: Metadata,
    customer_details: CustomerDetails,
    customer_email: z.string().nullish(),
  })
  .loose();
export type CheckoutSession = z.infer<typeof CheckoutSessionSchema>;

export const ChargeSchema = z
  .object({
    id: z.string().min(1),
    object: z.literal('charge'),
    amount: z.number().int().nonnegative(),
    amount_refunded: z.number().int().nonnegative(),
    currency: z.string().min(1),
    refunded: z.boolean(),
    payment_intent: ObjectId,
    metadata: Metadata,
  })
  .loose();
export type Charge = z.infer<typeof ChargeSchema>;

/** The event types this gateway turns into our events; any other type is acknowledged and ignored. */
export const HANDLED_STRIPE_EVENT_TYPES = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'charge.refunded',
] as const;
export type HandledStripeEventType = (typeof HANDLED_STRIPE_EVENT_TYPES)[number];

export const isHandledStripeEventType = (type: string): type is HandledStripeEventType =>
  (HANDLED_STRIPE_EVENT_TYPES as readonly string[]).includes(type);
