import { readFileSync } from 'node:fs';
import {
  CheckoutExpired,
  PaymentCompleted,
  PaymentFailed,
  PaymentNeedsAttention,
  PaymentRefunded,
  parseEvent,
} from '@express-quote/contracts';
import { describe, expect, it } from 'vitest';
import { type StripeEvent, StripeEventSchema } from '../src/domain/stripe-objects.ts';
import {
  decideStripeEvent,
  envelopeIdFor,
  type Translation,
  toEnvelope,
  translateStripeEvent,
} from '../src/domain/translate-stripe-event.ts';
import { checkoutSession, refundedCharge, stripeEvent } from '../src/stripe-simulator.ts';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/checkout-session-completed.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

const given = (raw: Record<string, unknown>): StripeEvent => StripeEventSchema.parse(raw);
const session = checkoutSession;
const event = (type: string, object: Record<string, unknown>) =>
  given(stripeEvent(type, object, { id: 'evt_1TestTestTest', created: 1_752_619_742 }));

const published = (t: Translation) => {
  if (t.kind !== 'publish') throw new Error(`expected a publish, got ${t.kind}`);
  return t.fact;
};

describe('translateStripeEvent: given a verified Stripe event, then…', () => {
  it('a real-shaped paid checkout.session.completed → PaymentCompleted with metadata customer', () => {
    expect(published(translateStripeEvent(given(fixture)))).toEqual({
      type: PaymentCompleted.type,
      data: {
        stripeEventId: 'evt_1RlHf8LkVbqz2XyA7sQnD4pE',
        livemode: false,
        checkoutSessionId: 'cs_test_a1Kq8Xw3TzR9mB2vN5cY7pL0sD4fG6hJ8kM1nQ3rS5tU7vW9xY2zA4bC6dE8',
        paymentIntentId: 'pi_3RlHezLkVbqz2XyA0mN4bV7c',
        temporaryId: 'tmp_8f3c2a91',
        amountCents: 45_900,
        currency: 'EUR',
        paymentStatus: 'paid',
        customer: {
          firstName: 'Camille',
          lastName: 'Martin',
          email: 'camille.martin@example.fr',
          phone: '+33698765432',
        },
      },
    });
  });

  const cases: Array<{
    name: string;
    when: StripeEvent;
    outcome: Translation['kind'];
    type?: string;
    data?: Record<string, unknown>;
  }> = [
    {
      name: 'completed but unpaid (SEPA debit pending) → recorded, nothing published yet',
      when: event('checkout.session.completed', session({ temporaryId: 'q1', paymentStatus: 'unpaid' })),
      outcome: 'record',
    },
    {
      name: 'completed with no_payment_required → PaymentCompleted of 0 cents',
      when: event(
        'checkout.session.completed',
        session({ temporaryId: 'q1', paymentStatus: 'no_payment_required', amountCents: 0 }),
      ),
      outcome: 'publish',
      type: PaymentCompleted.type,
      data: {
        amountCents: 0,
        paymentStatus: 'no_payment_required',
        paymentIntentId: null,
        temporaryId: 'q1',
      },
    },
    {
      name: 'no_payment_required reports 0 even if Stripe shows a subtotal, and tolerates a missing currency',
      when: event('checkout.session.completed', {
        ...session({ temporaryId: 'q1', paymentStatus: 'no_payment_required', amountCents: 1200 }),
        currency: null,
      }),
      outcome: 'publish',
      type: PaymentCompleted.type,
      data: { amountCents: 0, currency: 'EUR', paymentStatus: 'no_payment_required' },
    },
    {
      name: 'async_payment_succeeded → PaymentCompleted (same meaning as a paid completion)',
      when: event(
        'checkout.session.async_payment_succeeded',
        session({ temporaryId: 'q2', amountCents: 12_345, sessionId: 'cs_test_async' }),
      ),
      outcome: 'publish',
      type: PaymentCompleted.type,
      data: {
        checkoutSessionId: 'cs_test_async',
        amountCents: 12_345,
        paymentStatus: 'paid',
        temporaryId: 'q2',
      },
    },
    {
      name: 'async_payment_succeeded on a session still unpaid → needs attention (INVALID_PAYLOAD)',
      when: event(
        'checkout.session.async_payment_succeeded',
        session({ temporaryId: 'q2', paymentStatus: 'unpaid' }),
      ),
      outcome: 'publish',
      type: PaymentNeedsAttention.type,
      data: { reason: 'INVALID_PAYLOAD', stripeEventType: 'checkout.session.async_payment_succeeded' },
    },
    {
      name: 'async_payment_failed → PaymentFailed with a French reason',
      when: event(
        'checkout.session.async_payment_failed',
        session({ temporaryId: 'q3', paymentStatus: 'unpaid', sessionId: 'cs_test_f' }),
      ),
      outcome: 'publish',
      type: PaymentFailed.type,
      data: {
        checkoutSessionId: 'cs_test_f',
        temporaryId: 'q3',
        reason: expect.stringContaining('paiement'),
      },
    },
    {
      name: 'checkout.session.expired without temporaryId → CheckoutExpired with temporaryId null',
      when: event(
        'checkout.session.expired',
        session({ temporaryId: null, paymentStatus: 'unpaid', status: 'expired', sessionId: 'cs_test_x' }),
      ),
      outcome: 'publish',
      type: CheckoutExpired.type,
      data: { checkoutSessionId: 'cs_test_x', temporaryId: null },
    },
    {
      name: 'charge.refunded in full → PaymentRefunded fullyRefunded',
      when: event('charge.refunded', refundedCharge({ chargeId: 'ch_3full', paymentIntentId: 'pi_3a' })),
      outcome: 'publish',
      type: PaymentRefunded.type,
      data: {
        chargeId: 'ch_3full',
        paymentIntentId: 'pi_3a',
        amountRefundedCents: 45_900,
        currency: 'EUR',
        fullyRefunded: true,
      },
    },
    {
      name: 'charge.refunded partially → PaymentRefunded not fully refunded',
      when: event('charge.refunded', refundedCharge({ amountCents: 10_000, amountRefundedCents: 2_500 })),
      outcome: 'publish',
      type: PaymentRefunded.type,
      data: { amountRefundedCents: 2_500, fullyRefunded: false },
    },
    {
      name: 'charge.refunded in USD → needs attention (UNSUPPORTED_CURRENCY)',
      when: event('charge.refunded', refundedCharge({ currency: 'usd', amountRefundedCents: 500 })),
      outcome: 'publish',
      type: PaymentNeedsAttention.type,
      data: { reason: 'UNSUPPORTED_CURRENCY', currency: 'USD', amountCents: 500, checkoutSessionId: null },
    },
    {
      name: 'paid session without temporaryId → needs attention (money was taken)',
      when: event(
        'checkout.session.completed',
        session({ temporaryId: null, amountCents: 9_900, sessionId: 'cs_test_lost' }),
      ),
      outcome: 'publish',
      type: PaymentNeedsAttention.type,
      data: {
        reason: 'MISSING_TEMPORARY_ID',
        checkoutSessionId: 'cs_test_lost',
        amountCents: 9_900,
        currency: 'EUR',
      },
    },
    {
      name: 'a blank temporaryId counts as missing',
      when: event('checkout.session.completed', session({ temporaryId: '   ' })),
      outcome: 'publish',
      type: PaymentNeedsAttention.type,
      data: { reason: 'MISSING_TEMPORARY_ID' },
    },
    {
      name: 'paid in USD → needs attention (UNSUPPORTED_CURRENCY)',
      when: event('checkout.session.completed', session({ temporaryId: 'q1', currency: 'usd' })),
      outcome: 'publish',
      type: PaymentNeedsAttention.type,
      data: { reason: 'UNSUPPORTED_CURRENCY', currency: 'USD' },
    },
    {
      name: 'paid session without amount_total → needs attention (INVALID_PAYLOAD)',
      when: event('checkout.session.completed', { ...session({ temporaryId: 'q1' }), amount_total: null }),
      outcome: 'publish',
      type: PaymentNeedsAttention.type,
      data: { reason: 'INVALID_PAYLOAD', amountCents: null },
    },
    {
      name: 'a session object of an unexpected shape → needs attention (INVALID_PAYLOAD) naming the field',
      when: event('checkout.session.completed', {
        ...session({ temporaryId: 'q1', sessionId: 'cs_test_odd' }),
        payment_status: 'partially_paid',
      }),
      outcome: 'publish',
      type: PaymentNeedsAttention.type,
      data: {
        reason: 'INVALID_PAYLOAD',
        checkoutSessionId: 'cs_test_odd',
        detail: expect.stringContaining('payment_status'),
      },
    },
    {
      name: 'an event type we do not handle → ignored',
      when: event('customer.created', { id: 'cus_1', object: 'customer' }),
      outcome: 'ignore',
    },
  ];

  it.each(cases)('$name', ({ when, outcome, type, data }) => {
    const translation = translateStripeEvent(when);
    expect(translation.kind).toBe(outcome);
    if (outcome === 'record')
      expect(translation).toEqual({ kind: 'record', outcome: 'awaiting_async_payment' });
    if (type) {
      const fact = published(translation);
      expect(fact.type).toBe(type);
      expect(fact.data).toMatchObject({ stripeEventId: 'evt_1TestTestTest', livemode: false, ...data });
    }
  });

  it('falls back to customer_details when the metadata lacks the customer (name split at the first space)', () => {
    const object = session({ temporaryId: 'q1' });
    object.metadata = { temporaryId: 'q1' };
    object.customer_details = {
      email: 'j.p@example.fr',
      name: 'Jean-Pierre  de la Tour',
      phone: '+33700000000',
    };
    const fact = published(translateStripeEvent(event('checkout.session.completed', object)));
    expect(fact.data).toMatchObject({
      customer: {
        firstName: 'Jean-Pierre',
        lastName: 'de la Tour',
        email: 'j.p@example.fr',
        phone: '+33700000000',
      },
    });
  });

  it('uses customer_email when neither metadata nor customer_details carry an e-mail', () => {
    const object = session({ temporaryId: 'q1' });
    object.metadata = { temporaryId: 'q1' };
    object.customer_details = null;
    object.customer_email = 'only@example.fr';
    const fact = published(translateStripeEvent(event('checkout.session.completed', object)));
    expect(fact.data).toMatchObject({
      customer: { firstName: null, lastName: null, email: 'only@example.fr', phone: null },
    });
  });

  it('keeps the id of an expanded payment_intent', () => {
    const object = {
      ...session({ temporaryId: 'q1' }),
      payment_intent: { id: 'pi_3expanded', object: 'payment_intent' },
    };
    const fact = published(translateStripeEvent(event('checkout.session.completed', object)));
    expect(fact.data).toMatchObject({ paymentIntentId: 'pi_3expanded' });
  });
});

describe('toEnvelope', () => {
  it('derives a stable uuid from the Stripe event id, the occurredAt from `created`, and correlates on it', () => {
    const stripe = given(fixture);
    const fact = published(translateStripeEvent(stripe));
    const first = toEnvelope(stripe, fact);
    const again = toEnvelope(given(fixture), fact);
    expect(first).toEqual(again);
    expect(first.id).toBe(envelopeIdFor('evt_1RlHf8LkVbqz2XyA7sQnD4pE'));
    expect(first.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(envelopeIdFor('evt_other')).not.toBe(first.id);
    expect(first).toMatchObject({
      type: 'payment.completed',
      occurredAt: '2025-07-15T22:49:02.000Z',
      causationId: 'evt_1RlHf8LkVbqz2XyA7sQnD4pE',
      correlationId: 'evt_1RlHf8LkVbqz2XyA7sQnD4pE',
    });
    // What consumers will do with it: the envelope is valid against the contract.
    expect(parseEvent(JSON.parse(JSON.stringify(first)), [PaymentCompleted]).data.temporaryId).toBe(
      'tmp_8f3c2a91',
    );
  });

  it('builds a valid envelope for every kind of fact', () => {
    const events = [
      event('checkout.session.async_payment_failed', session({ temporaryId: 'q', paymentStatus: 'unpaid' })),
      event('checkout.session.expired', session({ temporaryId: 'q', paymentStatus: 'unpaid' })),
      event('charge.refunded', refundedCharge()),
      event('checkout.session.completed', session({ temporaryId: null })),
    ];
    const types = events.map((e) => {
      const envelope = toEnvelope(e, published(translateStripeEvent(e)));
      return parseEvent(JSON.parse(JSON.stringify(envelope))).type;
    });
    expect(types).toEqual([
      'payment.failed',
      'checkout.expired',
      'payment.refunded',
      'payment.needs_attention',
    ]);
  });
});

describe('decideStripeEvent', () => {
  it('ignores unhandled types, records an unpaid completion without an envelope', () => {
    expect(decideStripeEvent(event('invoice.paid', { id: 'in_1', object: 'invoice' }))).toBeNull();
    expect(
      decideStripeEvent(
        event('checkout.session.completed', session({ temporaryId: 'q', paymentStatus: 'unpaid' })),
      ),
    ).toEqual({ outcome: 'awaiting_async_payment', envelope: null });
  });

  it('turns data our contract refuses (a negative amount) into PaymentNeedsAttention instead of an error', () => {
    const decision = decideStripeEvent(
      event(
        'checkout.session.completed',
        session({ temporaryId: 'q', amountCents: -500, sessionId: 'cs_neg' }),
      ),
    );
    expect(decision?.outcome).toBe('payment.needs_attention');
    expect(decision?.envelope).toMatchObject({
      id: envelopeIdFor('evt_1TestTestTest'),
      data: {
        reason: 'INVALID_PAYLOAD',
        checkoutSessionId: 'cs_neg',
        amountCents: -500,
        detail: expect.stringContaining('amountCents'),
      },
    });
  });
});
