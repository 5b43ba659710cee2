import {
  CheckoutExpired,
  ContractViolation,
  createEvent,
  type DataOf,
  deterministicId,
  type Envelope,
  PaymentCompleted,
  PaymentFailed,
  PaymentNeedsAttention,
  PaymentRefunded,
} from '@express-quote/contracts';
import type { z } from 'zod';
import {
  type Charge,
  ChargeSchema,
  type CheckoutSession,
  CheckoutSessionSchema,
  isHandledStripeEventType,
  type StripeEvent,
} from './stripe-objects.ts';

/** One of our payments events, before it is wrapped in an envelope. */
export type PaymentsFact =
  | { type: typeof PaymentCompleted.type; data: DataOf<typeof PaymentCompleted> }
  | { type: typeof PaymentFailed.type; data: DataOf<typeof PaymentFailed> }
  | { type: typeof PaymentRefunded.type; data: DataOf<typeof PaymentRefunded> }
  | { type: typeof CheckoutExpired.type; data: DataOf<typeof CheckoutExpired> }
  | { type: typeof PaymentNeedsAttention.type; data: DataOf<typeof PaymentNeedsAttention> };

/**
 * What the gateway does with a verified Stripe event:
 * - publish: record it and publish one of our events;
 * - record: record it, publish nothing (an unpaid checkout waits for its async_payment_* event);
 * - ignore: a type we do not handle; acknowledged, not recorded.
 */
export type Translation =
  | { kind: 'publish'; fact: PaymentsFact }
  | { kind: 'record'; outcome: 'awaiting_async_payment' }
  | { kind: 'ignore' };

type NeedsAttentionReason = DataOf<typeof PaymentNeedsAttention>['reason'];

const OUR_CURRENCY = 'EUR';

const text = (value: string | null | undefined): string | null => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
};

/** Splits Stripe's single `name` field: the first word is the first name, the rest the last name. */
const splitName = (name: string | null): { first: string | null; last: string | null } => {
  if (!name) return { first: null, last: null };
  const words = name.split(/\s+/);
  // A single word is more likely a surname than a first name on a payment form.
  if (words.length === 1) return { first: null, last: words[0] ?? null };
  return { first: words[0] ?? null, last: words.slice(1).join(' ') };
};

/** Metadata written by our checkout page first, what the customer typed into Stripe as fallback. */
const customerOf = (session: CheckoutSession): DataOf<typeof PaymentCompleted>['customer'] => {
  const meta = session.metadata ?? {};
  const details = session.customer_details;
  const name = splitName(text(details?.name));
  return {
    firstName: text(meta.customerFirstName) ?? name.first,
    lastName: text(meta.customerLastName) ?? name.last,
    email: text(meta.customerEmail) ?? text(details?.email) ?? text(session.customer_email),
    phone: text(meta.customerPhone) ?? text(details?.phone),
  };
};

const upper = (currency: string | null | undefined): string | null => text(currency)?.toUpperCase() ?? null;

const needsAttention = (
  event: StripeEvent,
  reason: NeedsAttentionReason,
  detail: string,
  refs: { checkoutSessionId: string | null; amountCents: number | null; currency: string | null },
): Translation => ({
  kind: 'publish',
  fact: {
    type: PaymentNeedsAttention.type,
    data: {
      stripeEventId: event.id,
      livemode: event.livemode,
      stripeEventType: event.type,
      reason,
      detail,
      ...refs,
    },
  },
});

const sessionRefs = (session: CheckoutSession) => ({
  checkoutSessionId: session.id,
  amountCents: session.amount_total,
  currency: upper(session.currency),
});

/** `checkout.session.completed` and `checkout.session.async_payment_succeeded`: both mean "the money is ours". */
const completion = (event: StripeEvent, session: CheckoutSession): Translation => {
  const asyncSuccess = event.type === 'checkout.session.async_payment_succeeded';
  if (session.payment_status === 'unpaid') {
    if (!asyncSuccess) return { kind: 'record', outcome: 'awaiting_async_payment' };
    return needsAttention(
      event,
      'INVALID_PAYLOAD',
      'Stripe annonce un paiement différé réussi pour une session encore marquée « unpaid ».',
      sessionRefs(session),
    );
  }
  const temporaryId = text(session.metadata?.temporaryId);
  if (!temporaryId) {
    return needsAttention(
      event,
      'MISSING_TEMPORARY_ID',
      session.payment_status === 'paid'
        ? 'Paiement encaissé sans temporaryId dans les métadonnées de la session : impossible de retrouver le devis.'
        : 'Session sans paiement requis et sans temporaryId : impossible de retrouver le devis.',
      sessionRefs(session),
    );
  }
  const currency = upper(session.currency);
  const free = session.payment_status === 'no_payment_required';
  // A free session may come without a currency: nothing was charged, so EUR is the truth.
  if (!(currency === OUR_CURRENCY || (free && currency === null))) {
    return needsAttention(
      event,
      'UNSUPPORTED_CURRENCY',
      `Devise ${currency ?? 'absente'} au lieu de EUR : le paiement ne peut pas être rapproché automatiquement.`,
      sessionRefs(session),
    );
  }
  if (!free && session.amount_total === null) {
    return needsAttention(event, 'INVALID_PAYLOAD', 'Session payée sans amount_total.', sessionRefs(session));
  }
  return {
    kind: 'publish',
    fact: {
      type: PaymentCompleted.type,
      data: {
        stripeEventId: event.id,
        livemode: event.livemode,
        checkoutSessionId: session.id,
        paymentIntentId: session.payment_intent,
        temporaryId,
        // The booking service checks that a free session matches a zero-priced quote.
        amountCents: free ? 0 : (session.amount_total ?? 0),
        currency: OUR_CURRENCY,
        paymentStatus: free ? 'no_payment_required' : 'paid',
        customer: customerOf(session),
      },
    },
  };
};

const asyncFailure = (event: StripeEvent, session: CheckoutSession): Translation => ({
  kind: 'publish',
  fact: {
    type: PaymentFailed.type,
    data: {
      stripeEventId: event.id,
      livemode: event.livemode,
      checkoutSessionId: session.id,
      temporaryId: text(session.metadata?.temporaryId),
      reason: 'Le paiement différé (prélèvement, virement…) a été refusé ou a échoué.',
    },
  },
});

const expiry = (event: StripeEvent, session: CheckoutSession): Translation => ({
  kind: 'publish',
  fact: {
    type: CheckoutExpired.type,
    data: {
      stripeEventId: event.id,
      livemode: event.livemode,
      checkoutSessionId: session.id,
      temporaryId: text(session.metadata?.temporaryId),
    },
  },
});

const refund = (event: StripeEvent, charge: Charge): Translation => {
  const currency = upper(charge.currency);
  if (currency !== OUR_CURRENCY) {
    return needsAttention(
      event,
      'UNSUPPORTED_CURRENCY',
      `Remboursement en ${currency ?? 'devise absente'} au lieu de EUR sur la charge ${charge.id}.`,
      { checkoutSessionId: null, amountCents: charge.amount_refunded, currency },
    );
  }
  return {
    kind: 'publish',
    fact: {
      type: PaymentRefunded.type,
      data: {
        stripeEventId: event.id,
        livemode: event.livemode,
        chargeId: charge.id,
        paymentIntentId: charge.payment_intent,
        amountRefundedCents: charge.amount_refunded,
        currency: OUR_CURRENCY,
        fullyRefunded: charge.refunded,
      },
    },
  };
};

// Issue paths only, never values: a payload carries names, e-mails and phone numbers.
const describeIssues = (error: z.ZodError): string =>
  error.issues.map((i) => `${i.path.join('.') || '(racine)'}: ${i.message}`).join('; ');

/** A handled type whose object does not have the shape we rely on (an API version change?): staff must look. */
const invalidPayload = (event: StripeEvent, detail: string): Translation => {
  const object = event.data.object;
  const amount = object.amount_total ?? object.amount_refunded;
  return needsAttention(event, 'INVALID_PAYLOAD', detail, {
    checkoutSessionId:
      object.object === 'checkout.session' && typeof object.id === 'string' ? object.id : null,
    amountCents: typeof amount === 'number' && Number.isInteger(amount) ? amount : null,
    currency: typeof object.currency === 'string' ? upper(object.currency) : null,
  });
};

const unexpectedObject = (event: StripeEvent, error: z.ZodError): Translation =>
  invalidPayload(
    event,
    `Objet ${String(event.data.object.object ?? 'inconnu')} inattendu : ${describeIssues(error)}`,
  );

/** Pure: what a verified Stripe event means for us. */
export const translateStripeEvent = (event: StripeEvent): Translation => {
  if (!isHandledStripeEventType(event.type)) return { kind: 'ignore' };
  if (event.type === 'charge.refunded') {
    const charge = ChargeSchema.safeParse(event.data.object);
    return charge.success ? refund(event, charge.data) : unexpectedObject(event, charge.error);
  }
  const session = CheckoutSessionSchema.safeParse(event.data.object);
  if (!session.success) return unexpectedObject(event, session.error);
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      return completion(event, session.data);
    case 'checkout.session.async_payment_failed':
      return asyncFailure(event, session.data);
    case 'checkout.session.expired':
      return expiry(event, session.data);
    default: {
      const unreachable: never = event.type;
      throw new Error(`unhandled Stripe event type ${String(unreachable)}`);
    }
  }
};

/**
 * The envelope id (and so the JetStream msgID) is derived from the Stripe event id: a redelivered webhook, the
 * relay and the immediate publish all produce the very same message, which JetStream's duplicate window absorbs.
 */
export const envelopeIdFor = (stripeEventId: string): string => deterministicId(stripeEventId);

/** Wraps a fact in its envelope. Deterministic: correlationId = causationId = the Stripe event id. */
export const toEnvelope = (event: StripeEvent, fact: PaymentsFact): Envelope => {
  const options = {
    cause: { externalId: event.id },
    id: envelopeIdFor(event.id),
    occurredAt: new Date(event.created * 1000),
  };
  switch (fact.type) {
    case PaymentCompleted.type:
      return createEvent(PaymentCompleted, fact.data, options);
    case PaymentFailed.type:
      return createEvent(PaymentFailed, fact.data, options);
    case PaymentRefunded.type:
      return createEvent(PaymentRefunded, fact.data, options);
    case CheckoutExpired.type:
      return createEvent(CheckoutExpired, fact.data, options);
    case PaymentNeedsAttention.type:
      return createEvent(PaymentNeedsAttention, fact.data, options);
    default: {
      const unreachable: never = fact;
      throw new Error(`unknown payments fact ${JSON.stringify(unreachable)}`);
    }
  }
};

/** What to record for a verified Stripe event, and the envelope to publish (null: record only). */
export interface Decision {
  /** Our event type, or why nothing is published (`awaiting_async_payment`). */
  outcome: string;
  envelope: Envelope | null;
}

/**
 * The whole decision for one Stripe event; null for a type we ignore. Data that our own contract rejects (a
 * Stripe value outside what we expected) becomes a PaymentNeedsAttention rather than an error: Stripe would
 * retry an error for three days, and the money may already be taken.
 */
export const decideStripeEvent = (event: StripeEvent): Decision | null => {
  const translation = translateStripeEvent(event);
  if (translation.kind === 'ignore') return null;
  if (translation.kind === 'record') return { outcome: translation.outcome, envelope: null };
  let envelope: Envelope;
  try {
    envelope = toEnvelope(event, translation.fact);
  } catch (error) {
    if (!(error instanceof ContractViolation)) throw error;
    const fallback = invalidPayload(
      event,
      `Données refusées par le contrat ${translation.fact.type} : ${error.issues.join('; ')}`,
    );
    if (fallback.kind !== 'publish') throw error;
    envelope = toEnvelope(event, fallback.fact);
  }
  return { outcome: envelope.type, envelope };
};
