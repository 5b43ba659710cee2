import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { PaymentCompleted, PaymentNeedsAttention, parseEvent } from '@express-quote/contracts';
import { sql } from 'kysely';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeIdFor } from '../src/domain/translate-stripe-event.ts';
import type { PaymentsService } from '../src/service.ts';
import {
  checkoutSession,
  refundedCharge,
  signWebhook,
  stripeEvent,
  stripeId,
} from '../src/stripe-simulator.ts';
import {
  createInfra,
  type Infra,
  paymentsMessages,
  post,
  SECRET,
  startGateway,
  waitUntilReady,
} from './harness.ts';

const fixtureText = readFileSync(
  new URL('./fixtures/checkout-session-completed.json', import.meta.url),
  'utf8',
);
const FIXTURE_EVENT_ID = 'evt_1RlHf8LkVbqz2XyA7sQnD4pE';

let infra: Infra;
let gateway: PaymentsService & { registry: import('prom-client').Registry };

interface Row {
  id: string;
  type: string;
  outcome: string;
  published_at: Date | null;
  payload: Record<string, unknown>;
}
const rows = async (): Promise<Row[]> => {
  const { rows } = await sql<Row>`
    select id, type, outcome, published_at, payload from payments.stripe_events order by received_at, id`.execute(
    infra.db,
  );
  return rows;
};
const rowOf = async (id: string) => (await rows()).find((r) => r.id === id);
const messagesFor = async (stripeEventId: string) =>
  (await paymentsMessages(infra.nats)).filter((m) => m.envelope.correlationId === stripeEventId);

beforeAll(async () => {
  infra = await createInfra();
  gateway = await startGateway({
    natsUrl: infra.nats.url,
    namespace: infra.nats.ns.prefix,
    databaseUrl: infra.database.url,
  });
  await waitUntilReady(gateway);
});

afterAll(async () => {
  await gateway?.stop();
  await infra?.cleanup();
});

describe('POST /api/webhooks/stripe with a valid signature', () => {
  it('records a real-shaped paid checkout.session.completed and publishes PaymentCompleted once', async () => {
    // The exact bytes Stripe sent (pretty-printed, trailing newline): the signature covers them.
    const response = await post(gateway, signWebhook(fixtureText, SECRET));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: true, outcome: 'published' });

    const row = await rowOf(FIXTURE_EVENT_ID);
    expect(row).toMatchObject({ type: 'checkout.session.completed', outcome: 'payment.completed' });
    expect(row?.published_at).toBeInstanceOf(Date);
    // The whole payload is kept, unknown fields included.
    expect(row?.payload).toEqual(JSON.parse(fixtureText));

    const [message, ...more] = await messagesFor(FIXTURE_EVENT_ID);
    expect(more).toEqual([]);
    expect(message?.subject).toBe(infra.nats.ns.subject('payments.payment.completed'));
    expect(message?.msgId).toBe(envelopeIdFor(FIXTURE_EVENT_ID));
    const event = parseEvent(message?.envelope, [PaymentCompleted]);
    expect(event).toMatchObject({
      id: envelopeIdFor(FIXTURE_EVENT_ID),
      causationId: FIXTURE_EVENT_ID,
      correlationId: FIXTURE_EVENT_ID,
      data: {
        checkoutSessionId: 'cs_test_a1Kq8Xw3TzR9mB2vN5cY7pL0sD4fG6hJ8kM1nQ3rS5tU7vW9xY2zA4bC6dE8',
        temporaryId: 'tmp_8f3c2a91',
        amountCents: 45_900,
        currency: 'EUR',
        paymentStatus: 'paid',
        customer: { firstName: 'Camille', lastName: 'Martin', email: 'camille.martin@example.fr' },
      },
    });
  });

  it('answers 200 to a redelivery of the same event and publishes nothing new', async () => {
    const id = stripeId('evt_1');
    const event = stripeEvent('checkout.session.completed', checkoutSession({ temporaryId: 'tmp_dup' }), {
      id,
    });
    const first = await post(gateway, signWebhook(event, SECRET));
    expect(first.json()).toEqual({ received: true, outcome: 'published' });
    // Stripe re-signs every attempt; the recorded row, not JetStream's 2-minute window, stops the republish.
    const again = await post(
      gateway,
      signWebhook(event, SECRET, { timestampSeconds: Math.floor(Date.now() / 1000) + 1 }),
    );
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ received: true, outcome: 'duplicate' });
    expect((await rows()).filter((r) => r.id === id)).toHaveLength(1);
    expect(await messagesFor(id)).toHaveLength(1);
  });

  it('publishes PaymentNeedsAttention for a paid session without temporaryId (money taken: never dropped)', async () => {
    const id = stripeId('evt_1');
    const event = stripeEvent('checkout.session.completed', checkoutSession({ temporaryId: null }), { id });
    const response = await post(gateway, signWebhook(event, SECRET));
    expect(response.json()).toEqual({ received: true, outcome: 'published' });
    expect(await rowOf(id)).toMatchObject({ outcome: 'payment.needs_attention' });
    const [message] = await messagesFor(id);
    expect(parseEvent(message?.envelope, [PaymentNeedsAttention]).data).toMatchObject({
      reason: 'MISSING_TEMPORARY_ID',
      amountCents: 45_900,
      currency: 'EUR',
    });
  });

  it('records an unpaid completion without publishing, then publishes the async outcome', async () => {
    const sessionId = 'cs_test_a1_sepa_pending';
    const completedId = stripeId('evt_1');
    const completed = stripeEvent(
      'checkout.session.completed',
      checkoutSession({ temporaryId: 'tmp_sepa', paymentStatus: 'unpaid', sessionId }),
      { id: completedId },
    );
    expect((await post(gateway, signWebhook(completed, SECRET))).json()).toEqual({
      received: true,
      outcome: 'recorded',
    });
    expect(await rowOf(completedId)).toMatchObject({ outcome: 'awaiting_async_payment', published_at: null });
    expect(await messagesFor(completedId)).toEqual([]);

    const failedId = stripeId('evt_1');
    const failed = stripeEvent(
      'checkout.session.async_payment_failed',
      checkoutSession({ temporaryId: 'tmp_sepa', paymentStatus: 'unpaid', sessionId }),
      { id: failedId },
    );
    expect((await post(gateway, signWebhook(failed, SECRET))).json()).toEqual({
      received: true,
      outcome: 'published',
    });
    const [message] = await messagesFor(failedId);
    expect(message?.envelope).toMatchObject({
      type: 'payment.failed',
      data: { checkoutSessionId: sessionId, temporaryId: 'tmp_sepa' },
    });
  });

  it('records and publishes out-of-order deliveries (async success before completion, refund before both)', async () => {
    const sessionId = 'cs_test_a1_out_of_order';
    const paymentIntentId = stripeId('pi_3');
    const ids = { refund: stripeId('evt_1'), succeeded: stripeId('evt_1'), completed: stripeId('evt_1') };
    const refund = stripeEvent('charge.refunded', refundedCharge({ paymentIntentId }), { id: ids.refund });
    const succeeded = stripeEvent(
      'checkout.session.async_payment_succeeded',
      checkoutSession({ temporaryId: 'tmp_ooo', sessionId, paymentIntentId }),
      { id: ids.succeeded },
    );
    const completed = stripeEvent(
      'checkout.session.completed',
      checkoutSession({ temporaryId: 'tmp_ooo', sessionId, paymentIntentId, paymentStatus: 'unpaid' }),
      { id: ids.completed },
    );
    const outcomes = [];
    for (const event of [refund, succeeded, completed]) {
      const response = await post(gateway, signWebhook(event, SECRET));
      expect(response.statusCode).toBe(200);
      outcomes.push(response.json().outcome);
    }
    expect(outcomes).toEqual(['published', 'published', 'recorded']);
    expect((await messagesFor(ids.refund)).map((m) => m.envelope.type)).toEqual(['payment.refunded']);
    expect((await messagesFor(ids.succeeded)).map((m) => m.envelope.data)).toEqual([
      expect.objectContaining({ checkoutSessionId: sessionId, paymentIntentId, paymentStatus: 'paid' }),
    ]);
    expect(await rowOf(ids.completed)).toMatchObject({ outcome: 'awaiting_async_payment' });
  });

  it('publishes PaymentCompleted of 0 cents for a no_payment_required session', async () => {
    const id = stripeId('evt_1');
    const event = stripeEvent(
      'checkout.session.completed',
      checkoutSession({ temporaryId: 'tmp_free', paymentStatus: 'no_payment_required', amountCents: 0 }),
      { id },
    );
    expect((await post(gateway, signWebhook(event, SECRET))).statusCode).toBe(200);
    const [message] = await messagesFor(id);
    expect(message?.envelope.data).toMatchObject({ amountCents: 0, paymentStatus: 'no_payment_required' });
  });

  it('answers 200 to an event type it does not handle, stores nothing and counts it', async () => {
    const id = stripeId('evt_1');
    const event = stripeEvent('customer.created', { id: stripeId('cus_'), object: 'customer' }, { id });
    const response = await post(gateway, signWebhook(event, SECRET));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: true, outcome: 'ignored' });
    expect(await rowOf(id)).toBeUndefined();
    expect(await messagesFor(id)).toEqual([]);
    const metrics = await gateway.registry.getSingleMetricAsString('eq_payments_stripe_webhooks_total');
    expect(metrics).toContain(
      'eq_payments_stripe_webhooks_total{event_type="customer.created",outcome="ignored"} 1',
    );
  });
});

describe('POST /api/webhooks/stripe with bad input: 4xx with a reason, nothing stored, nothing published', () => {
  const unsigned = () => {
    const id = stripeId('evt_1');
    return {
      id,
      event: stripeEvent('checkout.session.completed', checkoutSession({ temporaryId: 'tmp_bad' }), { id }),
    };
  };
  const expectNothingFor = async (id: string) => {
    expect(await rowOf(id)).toBeUndefined();
    expect(await messagesFor(id)).toEqual([]);
  };

  it('400 invalid_signature without a Stripe-Signature header', async () => {
    const { id, event } = unsigned();
    const { headers, body } = signWebhook(event, SECRET);
    const response = await gateway.app.inject({
      method: 'POST',
      url: '/api/webhooks/stripe',
      headers: { 'content-type': headers['content-type'] },
      payload: body,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: 'invalid_signature',
      message: 'missing Stripe-Signature header',
    });
    await expectNothingFor(id);
  });

  it('400 invalid_signature when signed with another secret (forged)', async () => {
    const { id, event } = unsigned();
    const response = await post(gateway, signWebhook(event, 'whsec_attacker'));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: 'invalid_signature',
      message: expect.stringContaining('No signatures found'),
    });
    await expectNothingFor(id);
  });

  it('400 invalid_signature when the body was altered after signing', async () => {
    const { id, event } = unsigned();
    const request = signWebhook(event, SECRET);
    const tampered = {
      ...request,
      body: request.body.replace('"amount_total": 45900', '"amount_total": 100'),
    };
    expect(tampered.body).not.toBe(request.body);
    const response = await post(gateway, tampered);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('invalid_signature');
    await expectNothingFor(id);
  });

  it('400 invalid_signature when the signature is older than the 300 s tolerance (replay)', async () => {
    const { id, event } = unsigned();
    const stale = signWebhook(event, SECRET, { timestampSeconds: Math.floor(Date.now() / 1000) - 301 });
    const response = await post(gateway, stale);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: 'invalid_signature',
      message: 'Timestamp outside the tolerance zone',
    });
    await expectNothingFor(id);
  });

  it('400 invalid_json for a correctly signed body that is not JSON', async () => {
    const response = await post(gateway, signWebhook('id=evt_1&type=checkout.session.completed', SECRET));
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('invalid_json');
  });

  it('400 invalid_event for signed JSON that is not a Stripe event', async () => {
    const response = await post(gateway, signWebhook({ hello: 'world' }, SECRET));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: 'invalid_event',
      issues: expect.arrayContaining([expect.objectContaining({ path: 'id' })]),
    });
  });

  it('415 for another content type, and for none', async () => {
    const { id, event } = unsigned();
    const request = signWebhook(event, SECRET);
    const asText = await post(gateway, {
      ...request,
      headers: { ...request.headers, 'content-type': 'text/plain' },
    });
    expect(asText.statusCode).toBe(415);
    expect(asText.json().error).toBe('unsupported_media_type');
    const asForm = await post(gateway, {
      ...request,
      headers: { ...request.headers, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(asForm.statusCode).toBe(415);
    const { 'content-type': _, ...withoutType } = request.headers;
    const none = await gateway.app.inject({
      method: 'POST',
      url: '/api/webhooks/stripe',
      headers: withoutType,
      payload: request.body,
    });
    expect(none.statusCode).toBe(415);
    await expectNothingFor(id);
  });

  it('413 for a body over 1 MB, even correctly signed', async () => {
    const id = stripeId('evt_1');
    const session = checkoutSession({ temporaryId: 'tmp_big' });
    session.metadata = { ...(session.metadata as Record<string, string>), padding: 'x'.repeat(1024 * 1024) };
    const response = await post(
      gateway,
      signWebhook(stripeEvent('checkout.session.completed', session, { id }), SECRET),
    );
    expect(response.statusCode).toBe(413);
    expect(response.json().error).toBe('payload_too_large');
    await expectNothingFor(id);
  });

  it('uses Stripe’s own header format: a header signed by generateTestHeaderString for another payload fails', async () => {
    const { id, event } = unsigned();
    const request = signWebhook(event, SECRET);
    const otherHeader = Stripe.webhooks.generateTestHeaderString({ payload: '{}', secret: SECRET });
    const response = await post(gateway, {
      ...request,
      headers: { ...request.headers, 'stripe-signature': otherHeader },
    });
    expect(response.statusCode).toBe(400);
    await expectNothingFor(id);
  });
});

describe('simulate CLI (used by the demo)', () => {
  it('sends a signed checkout.session.completed for a quote and prints what it sent and the answer', async () => {
    const cli = new URL('../src/simulate.ts', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(process.execPath, [
      cli,
      '--quote',
      'tmp_from_cli',
      '--url',
      gateway.url,
      '--secret',
      SECRET,
      '--amount',
      '12300',
    ]);
    expect(stdout).toContain('checkout.session.completed');
    expect(stdout).toContain('temporaryId tmp_from_cli, 123.00 EUR');
    expect(stdout).toContain('← 200 {"received":true,"outcome":"published"}');
    const messages = await paymentsMessages(infra.nats);
    expect(
      messages.filter((m) => (m.envelope.data as { temporaryId?: string }).temporaryId === 'tmp_from_cli'),
    ).toEqual([
      expect.objectContaining({ envelope: expect.objectContaining({ type: 'payment.completed' }) }),
    ]);
  });

  it('exits non-zero and says why when the gateway refuses the signature', async () => {
    const cli = new URL('../src/simulate.ts', import.meta.url).pathname;
    const run = promisify(execFile)(process.execPath, [
      cli,
      '--quote',
      'tmp_x',
      '--url',
      gateway.url,
      '--secret',
      'whsec_wrong',
    ]);
    await expect(run).rejects.toMatchObject({ code: 1, stdout: expect.stringContaining('← 400') });
  });
});

describe('webhook secret rotation', () => {
  let rotating: PaymentsService;
  beforeAll(async () => {
    rotating = await startGateway({
      natsUrl: infra.nats.url,
      namespace: infra.nats.ns.prefix,
      databaseUrl: infra.database.url,
      env: { STRIPE_WEBHOOK_SECRET: 'whsec_old_secret, whsec_new_secret' },
    });
  });
  afterAll(async () => {
    await rotating?.stop();
  });

  it('accepts events signed with any configured secret and refuses others', async () => {
    const results = [];
    for (const secret of ['whsec_old_secret', 'whsec_new_secret', 'whsec_retired_secret']) {
      const event = stripeEvent(
        'checkout.session.expired',
        checkoutSession({ temporaryId: 'tmp_rot', status: 'expired' }),
      );
      results.push((await post(rotating, signWebhook(event, secret))).statusCode);
    }
    expect(results).toEqual([200, 200, 400]);
  });

  it('a stale signature by a valid secret reports the tolerance, not a mismatch', async () => {
    const event = stripeEvent('checkout.session.expired', checkoutSession({ temporaryId: 'tmp_rot' }));
    const response = await post(
      rotating,
      signWebhook(event, 'whsec_new_secret', { timestampSeconds: Math.floor(Date.now() / 1000) - 3600 }),
    );
    expect(response.json()).toEqual({
      error: 'invalid_signature',
      message: 'Timestamp outside the tolerance zone',
    });
  });
});
