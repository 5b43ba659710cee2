import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';

/*
 * Builds webhook requests shaped like the ones Stripe sends (API version 2025-x "basil" objects, every field a
 * real Checkout Session carries), signed with a webhook secret exactly as Stripe signs them. Used by the demo
 * (`src/simulate.ts`), the tests and the benchmark. Never used by the running service.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A Stripe-looking id: prefix + random base62, e.g. `stripeId("evt_1")` → `evt_1Q2w3E4r5T6y7U8i9O0pAsDf`. */
export const stripeId = (prefix: string, length = 24): string => {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return `${prefix}${out}`;
};

export const STRIPE_API_VERSION = '2025-06-30.basil';

export interface SimulatedCustomer {
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
}

export const DEFAULT_CUSTOMER: SimulatedCustomer = {
  firstName: 'Jeanne',
  lastName: 'Dupont',
  email: 'jeanne.dupont@example.fr',
  phone: '+33612345678',
};

export interface CheckoutSessionOptions {
  temporaryId?: string | null;
  amountCents?: number;
  currency?: string;
  paymentStatus?: 'paid' | 'unpaid' | 'no_payment_required';
  status?: 'open' | 'complete' | 'expired';
  customer?: SimulatedCustomer;
  sessionId?: string;
  paymentIntentId?: string | null;
  livemode?: boolean;
  /** Unix seconds. */
  created?: number;
}

/** A complete `checkout.session` object as Stripe puts it in `data.object`. */
export const checkoutSession = (options: CheckoutSessionOptions = {}): Record<string, unknown> => {
  const customer = options.customer ?? DEFAULT_CUSTOMER;
  const created = options.created ?? Math.floor(Date.now() / 1000) - 120;
  const livemode = options.livemode ?? false;
  const amount = options.amountCents ?? 45_900;
  const currency = options.currency ?? 'eur';
  const paymentStatus = options.paymentStatus ?? 'paid';
  const metadata: Record<string, string> = {
    customerFirstName: customer.firstName,
    customerLastName: customer.lastName,
    customerEmail: customer.email,
    customerPhone: customer.phone ?? '',
    source: 'express-quote-web',
  };
  if (options.temporaryId !== null) metadata.temporaryId = options.temporaryId ?? 'tmp_demo';
  return {
    id: options.sessionId ?? stripeId(livemode ? 'cs_live_a1' : 'cs_test_a1', 56),
    object: 'checkout.session',
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: null,
    amount_subtotal: amount,
    amount_total: amount,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: 'https://express-quote.example.fr/booking/cancel',
    client_reference_id: null,
    client_secret: null,
    collected_information: { business_name: null, individual_name: null, shipping_details: null },
    consent: null,
    consent_collection: null,
    created,
    currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: {
      after_submit: null,
      shipping_address: null,
      submit: null,
      terms_of_service_acceptance: null,
    },
    customer: null,
    customer_creation: 'if_required',
    customer_details: {
      address: { city: 'Paris', country: 'FR', line1: null, line2: null, postal_code: '75011', state: null },
      business_name: null,
      email: customer.email,
      individual_name: null,
      name: `${customer.firstName} ${customer.lastName}`,
      phone: customer.phone,
      tax_exempt: 'none',
      tax_ids: [],
    },
    customer_email: customer.email,
    discounts: [],
    expires_at: created + 24 * 3600,
    invoice: null,
    invoice_creation: {
      enabled: false,
      invoice_data: {
        account_tax_ids: null,
        custom_fields: null,
        description: null,
        footer: null,
        issuer: null,
        metadata: {},
        rendering_options: null,
      },
    },
    livemode,
    locale: 'fr',
    metadata,
    mode: 'payment',
    origin_context: null,
    payment_intent:
      options.paymentIntentId === undefined
        ? paymentStatus === 'no_payment_required'
          ? null
          : stripeId('pi_3')
        : options.paymentIntentId,
    payment_link: null,
    payment_method_collection: 'if_required',
    payment_method_configuration_details: { id: stripeId('pmc_1'), parent: null },
    payment_method_options: { card: { request_three_d_secure: 'automatic' } },
    payment_method_types: ['card', 'sepa_debit'],
    payment_status: paymentStatus,
    permissions: null,
    phone_number_collection: { enabled: true },
    presentment_details: { presentment_amount: amount, presentment_currency: currency },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: options.status ?? 'complete',
    submit_type: 'pay',
    subscription: null,
    success_url: 'https://express-quote.example.fr/success?session_id={CHECKOUT_SESSION_ID}',
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: null,
    wallet_options: null,
  };
};

export interface ChargeOptions {
  amountCents?: number;
  amountRefundedCents?: number;
  currency?: string;
  paymentIntentId?: string;
  chargeId?: string;
  livemode?: boolean;
}

/** A `charge` object as sent with `charge.refunded`. */
export const refundedCharge = (options: ChargeOptions = {}): Record<string, unknown> => {
  const amount = options.amountCents ?? 45_900;
  const refundedAmount = options.amountRefundedCents ?? amount;
  const created = Math.floor(Date.now() / 1000) - 3600;
  return {
    id: options.chargeId ?? stripeId('ch_3'),
    object: 'charge',
    amount,
    amount_captured: amount,
    amount_refunded: refundedAmount,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: stripeId('txn_3'),
    billing_details: {
      address: { city: 'Paris', country: 'FR', line1: null, line2: null, postal_code: '75011', state: null },
      email: DEFAULT_CUSTOMER.email,
      name: `${DEFAULT_CUSTOMER.firstName} ${DEFAULT_CUSTOMER.lastName}`,
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: 'EXPRESS QUOTE',
    captured: true,
    created,
    currency: options.currency ?? 'eur',
    customer: null,
    description: null,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: options.livemode ?? false,
    metadata: {},
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: 'approved_by_network',
      reason: null,
      risk_level: 'normal',
      risk_score: 32,
      seller_message: 'Payment complete.',
      type: 'authorized',
    },
    paid: true,
    payment_intent: options.paymentIntentId ?? stripeId('pi_3'),
    payment_method: stripeId('pm_1'),
    payment_method_details: {
      card: {
        amount_authorized: amount,
        brand: 'visa',
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
        country: 'FR',
        exp_month: 12,
        exp_year: 2030,
        funding: 'credit',
        last4: '4242',
        network: 'visa',
        three_d_secure: null,
        wallet: null,
      },
      type: 'card',
    },
    receipt_email: null,
    receipt_number: null,
    receipt_url: 'https://pay.stripe.com/receipts/payment/simulated',
    refunded: refundedAmount >= amount,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'succeeded',
    transfer_data: null,
    transfer_group: null,
  };
};

export interface StripeEventOptions {
  id?: string;
  /** Unix seconds. */
  created?: number;
  livemode?: boolean;
}

/** The event wrapper Stripe posts to a webhook endpoint. */
export const stripeEvent = (
  type: string,
  object: Record<string, unknown>,
  options: StripeEventOptions = {},
): Record<string, unknown> => ({
  id: options.id ?? stripeId('evt_1'),
  object: 'event',
  api_version: STRIPE_API_VERSION,
  created: options.created ?? Math.floor(Date.now() / 1000),
  data: { object },
  livemode: options.livemode ?? (object.livemode as boolean | undefined) ?? false,
  pending_webhooks: 1,
  request: { id: null, idempotency_key: null },
  type,
});

export interface SignedWebhookRequest {
  /** The exact bytes that were signed: send them unchanged. */
  body: string;
  headers: { 'content-type': string; 'stripe-signature': string; 'user-agent': string };
}

/**
 * Serialises and signs an event as Stripe does (`t=<unix>,v1=<hmac>`). `timestampSeconds` lets a test forge a
 * stale signature.
 */
export const signWebhook = (
  event: Record<string, unknown> | string,
  secret: string,
  options: { timestampSeconds?: number } = {},
): SignedWebhookRequest => {
  // Stripe pretty-prints its payloads; the signature covers these exact bytes.
  const body = typeof event === 'string' ? event : JSON.stringify(event, null, 2);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret,
    ...(options.timestampSeconds === undefined ? {} : { timestamp: options.timestampSeconds }),
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

/** The usual demo: a paid `checkout.session.completed` for a quote, signed. */
export const checkoutCompletedRequest = (
  temporaryId: string,
  secret: string,
  options: Omit<CheckoutSessionOptions, 'temporaryId'> & StripeEventOptions = {},
): { event: Record<string, unknown>; request: SignedWebhookRequest } => {
  const event = stripeEvent(
    'checkout.session.completed',
    checkoutSession({ ...options, temporaryId }),
    options,
  );
  return { event, request: signWebhook(event, secret) };
};
