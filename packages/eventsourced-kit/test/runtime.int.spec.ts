import { createEvent, PaymentCompleted } from '@express-quote/contracts';
import {
  createTestDatabase,
  createTestNats,
  type TestDatabase,
  type TestNats,
  testLogger,
  waitFor,
} from '@express-quote/testing';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventSourcedRuntime, startEventSourcedRuntime } from '../src/index.ts';

let nats: TestNats;
let database: TestDatabase;
let runtime: EventSourcedRuntime;
const registry = new Registry();
const handled: string[] = [];

beforeAll(async () => {
  nats = await createTestNats();
  database = await createTestDatabase();
  runtime = await startEventSourcedRuntime({
    name: 'kit',
    logger: testLogger(),
    registry,
    config: {
      NATS_URL: nats.url,
      NATS_NAMESPACE: nats.ns.prefix,
      STREAM_REPLICAS: 1,
      DATABASE_URL: database.url,
      DATABASE_POOL_MAX: 4,
    },
    schema: 'kit',
    consumesFrom: 'payments',
    publishesTo: 'bookings',
    migrate: async () => {},
    relayLagStore: 'kit',
    consumers: { concurrency: 2, maxDeliver: 3, backoffMs: [100], ackWaitMs: 5_000 },
  });
});
afterAll(async () => {
  await runtime?.stop();
  await nats?.cleanup();
  await database?.drop();
});

describe('event-sourced runtime', () => {
  it('declares its streams, consumes with a prefixed durable, and exports queue and relay gauges', async () => {
    await runtime.consume('payment-completed', PaymentCompleted, async (event) => {
      handled.push(event.id);
      return 'ok';
    });
    runtime.startQueueGauges();
    expect(runtime.consumerNames()).toEqual(['kit-payment-completed']);
    const event = createEvent(
      PaymentCompleted,
      {
        stripeEventId: 'evt_kit',
        livemode: false,
        checkoutSessionId: 'cs_kit',
        paymentIntentId: null,
        temporaryId: 'tmp_kit',
        amountCents: 100,
        currency: 'EUR',
        paymentStatus: 'paid',
        customer: { firstName: null, lastName: null, email: null, phone: null },
      },
      { cause: { externalId: 'evt_kit' } },
    );
    await nats.js.publish(nats.ns.subject(PaymentCompleted.subject), JSON.stringify(event), {
      msgID: event.id,
    });
    await waitFor('the event handled', () => handled.includes(event.id));
    const metrics = await registry.metrics();
    expect(metrics).toContain('eq_relay_lag_events{store="kit"}');
    expect(metrics).toContain('eq_consumer_pending');
  });

  it('stops every step in reverse order, even when one of them fails', async () => {
    const order: string[] = [];
    const local = await startEventSourcedRuntime({
      name: 'kit-stop',
      logger: testLogger(),
      registry: new Registry(),
      config: {
        NATS_URL: nats.url,
        NATS_NAMESPACE: nats.ns.prefix,
        STREAM_REPLICAS: 1,
        DATABASE_URL: database.url,
        DATABASE_POOL_MAX: 2,
      },
      schema: 'kit_stop',
      consumesFrom: 'payments',
      publishesTo: 'bookings',
      migrate: async () => {},
      relayLagStore: 'kit-stop',
      consumers: { concurrency: 1, maxDeliver: 3, backoffMs: [100], ackWaitMs: 5_000 },
    });
    local.onStop(async () => void order.push('first'));
    local.onStop(async () => {
      order.push('failing');
      throw new Error('cannot close');
    });
    local.onStop(async () => void order.push('last'));
    await local.stop();
    expect(order).toEqual(['last', 'failing', 'first']);
    expect(local.nc.isClosed()).toBe(true);
  });
});
