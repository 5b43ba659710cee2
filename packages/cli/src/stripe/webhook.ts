import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';

/*
 * Stripe webhook requests as Stripe sends them (API version 2025-06-30 "basil" objects), signed with the endpoint's
 * signing secret by the stripe SDK itself (generateTestHeaderString), so the gateway verifies them with the same
 * constructEvent call as real ones. Dependency-light on purpose: the payments service's own simulator could reuse
 * this module.
 */

export const STRIPE_API_VERSION = '2025-06-30.basil';
export const STRIPE_WEBHOOK_PATH = '/api/webhooks/stripe';

export const CHECKOUT_EVENT_TYPES = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
] as const;
export type CheckoutEventType = (typeof CHECKOUT_EVENT_TYPES)[number];

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A Stripe-looking id: prefix + random base62 (`evt_1Q2w3E…`). */
export const stripeId = (prefix: string, length = 24): string => {
  let out = '';
  for (const b of randomBytes(length)) out += ALPHABET[b % ALPHABET.length];
  return `${prefix}${out}`;
};

export interface WebhookCustomer {
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
}

export interface CheckoutEventOptions {
  type: CheckoutEventType;
  temporaryId: string;
  amountCents: number;
  customer: WebhookCustomer;
  /** Default: a new `evt_…`. Reuse one to replay the very same Stripe event. */
  eventId?: string;
  sessionId?: string;
  paymentIntentId?: string | null;
  livemode?: boolean;
  now?: Date;
}

const paymentStatusOf = (type: CheckoutEventType, amountCents: number) => {
  if (type === 'checkout.session.async_payment_failed' || type === 'checkout.session.expired')
    return 'unpaid';
  return amountCents === 0 ? 'no_payment_required' : 'paid';
};

/** The event Stripe posts for a Checkout Session of a quote (`metadata.temporaryId`). */
export const checkoutEvent = (options: CheckoutEventOptions): Record<string, unknown> => {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const livemode = options.livemode ?? false;
  const { customer, amountCents } = options;
  const paymentStatus = paymentStatusOf(options.type, amountCents);
  const session = {
    id: options.sessionId ?? stripeId(livemode ? 'cs_live_a1' : 'cs_test_a1', 56),
    object: 'checkout.session',
    amount_subtotal: amountCents,
    amount_total: amountCents,
    cancel_url: 'https://express-quote.example.fr/booking/cancel',
    client_reference_id: null,
    created: now - 120,
    currency: 'eur',
    customer: null,
    customer_creation: 'if_required',
    customer_details: {
      address: { city: null, country: 'FR', line1: null, line2: null, postal_code: null, state: null },
      email: customer.email,
      name: `${customer.firstName} ${customer.lastName}`,
      phone: customer.phone,
      tax_exempt: 'none',
      tax_ids: [],
    },
    customer_email: customer.email,
    expires_at: now - 120 + 24 * 3600,
    livemode,
    locale: 'fr',
    metadata: {
      temporaryId: options.temporaryId,
      customerFirstName: customer.firstName,
      customerLastName: customer.lastName,
      customerEmail: customer.email,
      customerPhone: customer.phone ?? '',
      source: 'eq-cli',
    },
    mode: 'payment',
    payment_intent:
      options.paymentIntentId !== undefined
        ? options.paymentIntentId
        : paymentStatus === 'paid'
          ? stripeId('pi_3')
          : null,
    payment_method_types: ['card'],
    payment_status: paymentStatus,
    status:
      options.type === 'checkout.session.expired'
        ? 'expired'
        : options.type === 'checkout.session.completed'
          ? 'complete'
          : 'complete',
    success_url: 'https://express-quote.example.fr/success?session_id={CHECKOUT_SESSION_ID}',
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: null,
  };
  return {
    id: options.eventId ?? stripeId('evt_1'),
    object: 'event',
    api_version: STRIPE_API_VERSION,
    created: now,
    data: { object: session },
    livemode,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: options.type,
  };
};

export interface SignedWebhook {
  /** The exact bytes that were signed: send them unchanged. */
  body: string;
  headers: { 'content-type': string; 'stripe-signature': string; 'user-agent': string };
}

/** Serialises and signs an event as Stripe does (`t=<unix>,v1=<hmac-sha256>`). */
export const signWebhook = (
  event: Record<string, unknown>,
  secret: string,
  timestampSeconds?: number,
): SignedWebhook => {
  // Stripe pretty-prints its payloads; the signature covers these exact bytes.
  const body = JSON.stringify(event, null, 2);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret,
    ...(timestampSeconds === undefined ? {} : { timestamp: timestampSeconds }),
  });
  return {
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'stripe-signature': signature,
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    },
  };
};
