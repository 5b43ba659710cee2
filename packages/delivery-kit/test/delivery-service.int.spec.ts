import {
  createEvent,
  type EventOf,
  NotificationRequested,
  newEventId,
  notifySubject,
  type Priority,
} from '@express-quote/contracts';
import { createPublisher } from '@express-quote/messaging';
import { createMetricsRegistry } from '@express-quote/service-kit';
import {
  createTestDatabase,
  createTestNats,
  type TestDatabase,
  type TestNats,
  testLogger,
  testNatsUrl,
  waitFor,
} from '@express-quote/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeliveryService, deliveryDurables, startDeliveryService } from '../src/delivery-service.ts';
import { migrateSchema } from '../src/migrations.ts';

let database: TestDatabase;
let nats: TestNats;
const started: DeliveryService[] = [];

beforeAll(async () => {
  [database, nats] = await Promise.all([createTestDatabase(), createTestNats()]);
});
afterAll(async () => {
  for (const service of started) await service.stop();
  await nats?.cleanup();
  await database?.drop();
});

const config = () => ({
  NATS_URL: [testNatsUrl()],
  NATS_NAMESPACE: nats.ns.prefix,
  STREAM_REPLICAS: 1,
  DATABASE_URL: database.url,
  DATABASE_POOL_MAX: 2,
  HOST: '127.0.0.1',
  PORT: 0,
  SHUTDOWN_TIMEOUT_MS: 5_000,
});

const command = (priority: Priority) =>
  createEvent(
    NotificationRequested,
    {
      notificationId: newEventId(),
      channel: 'sms',
      priority,
      template: 'any',
      recipient: { kind: 'customer', id: null, name: null, email: null, phone: '+33612345678' },
      data: {},
      bookingId: null,
      trigger: { eventId: 'evt_1', type: 'booking.confirmed' },
    },
    { cause: { externalId: 'evt_1' } },
  );

describe('startDeliveryService', () => {
  it('migrates, consumes the three priorities, serves readiness and metrics, and closes what the wiring opened', async () => {
    const handled: Array<EventOf<typeof NotificationRequested>> = [];
    const order: string[] = [];
    const registry = createMetricsRegistry('kit-sms');
    const service = await startDeliveryService({
      name: 'kit-sms',
      channel: 'sms',
      config: config(),
      logger: testLogger(),
      registry,
      migrate: (db) =>
        migrateSchema(db, 'kit_delivery', {
          '0001': {
            up: (db) =>
              db.schema.withSchema('kit_delivery').createTable('t').addColumn('id', 'integer').execute(),
          },
        }),
      consumers: {
        concurrency: { CRITICAL: 2, HIGH: 2, NORMAL: 1 },
        maxDeliver: 3,
        backoffMs: [100],
        ackWaitMs: 5_000,
      },
      wire: async ({ onStop }) => {
        onStop(() => {
          order.push('wiring closed');
        });
        return {
          handler: async (event) => {
            handled.push(event);
          },
          register: async (app) => {
            app.get('/api/ping', async () => ({ pong: true }));
          },
        };
      },
    });
    started.push(service);

    const publisher = createPublisher(nats.nc, nats.ns);
    const critical = command('CRITICAL');
    const high = command('HIGH');
    const normal = command('NORMAL');
    await publisher.publish(critical, { subject: notifySubject('sms', 'CRITICAL') });
    await publisher.publish(high, { subject: notifySubject('sms', 'HIGH') });
    await publisher.publish(normal, { subject: notifySubject('sms', 'NORMAL') });
    await waitFor('the three commands handled', () => handled.length === 3);
    expect(handled.map((e) => e.id).sort()).toEqual([critical.id, high.id, normal.id].sort());

    const durables = deliveryDurables('kit-sms');
    expect(durables).toEqual({
      CRITICAL: 'kit-sms-critical',
      HIGH: 'kit-sms-high',
      NORMAL: 'kit-sms-normal',
    });
    for (const [priority, durable] of Object.entries(durables)) {
      const info = await nats.jsm.consumers.info(nats.ns.stream('notify'), durable);
      expect(info.config.filter_subject).toBe(nats.ns.subject(notifySubject('sms', priority as Priority)));
    }
    const { rows } = await sql`select count(*)::int as n from kit_delivery.t`.execute(database.db);
    expect(rows).toEqual([{ n: 0 }]);
    expect((await service.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    expect((await service.app.inject({ method: 'GET', url: '/api/ping' })).json()).toEqual({ pong: true });
    const metrics = await service.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('eq_dlq_messages');

    await service.stop();
    await service.stop(); // a second stop is the same stop
    expect(order).toEqual(['wiring closed']);
  });

  it('without a handler: ready, but consumes nothing (commands wait in the stream)', async () => {
    let closed = false;
    const service = await startDeliveryService({
      name: 'kit-off',
      channel: 'whatsapp',
      config: config(),
      logger: testLogger(),
      registry: createMetricsRegistry('kit-off'),
      migrate: async () => {},
      consumers: {
        concurrency: { CRITICAL: 1, HIGH: 1, NORMAL: 1 },
        maxDeliver: 3,
        backoffMs: [100],
        ackWaitMs: 5_000,
      },
      wire: async ({ onStop }) => {
        onStop(() => {
          closed = true;
        });
        return { handler: null, disabledReason: 'not configured' };
      },
    });
    started.push(service);
    expect((await service.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    for (const durable of Object.values(deliveryDurables('kit-off'))) {
      await expect(nats.jsm.consumers.info(nats.ns.stream('notify'), durable)).rejects.toThrow(/not found/i);
    }
    await service.stop();
    expect(closed).toBe(true);
  });

  it('closes what it opened when the wiring fails half-way', async () => {
    let closed = false;
    await expect(
      startDeliveryService({
        name: 'kit-broken',
        channel: 'email',
        config: config(),
        logger: testLogger(),
        registry: createMetricsRegistry('kit-broken'),
        migrate: async () => {},
        consumers: {
          concurrency: { CRITICAL: 1, HIGH: 1, NORMAL: 1 },
          maxDeliver: 3,
          backoffMs: [100],
          ackWaitMs: 5_000,
        },
        wire: async ({ onStop }) => {
          onStop(() => {
            closed = true;
          });
          throw new Error('provider credentials refused');
        },
      }),
    ).rejects.toThrow('provider credentials refused');
    expect(closed).toBe(true);
  });
});
