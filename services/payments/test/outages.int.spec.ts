import { type AddressInfo, createServer } from 'node:net';
import { namespaced } from '@express-quote/contracts';
import {
  createTestDatabase,
  createTestNats,
  freePort,
  startPrivateNatsServer,
  uniqueToken,
  waitFor,
} from '@express-quote/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { envelopeIdFor } from '../src/domain/translate-stripe-event.ts';
import { checkoutSession, signWebhook, stripeEvent, stripeId } from '../src/stripe-simulator.ts';
import { openDatabase, paymentsMessages, post, SECRET, startGateway, waitUntilReady } from './harness.ts';

describe('NATS unavailable during the webhook', () => {
  it('answers 200 once the row is committed, then the relay publishes it exactly once when NATS is back', async () => {
    const server = await startPrivateNatsServer();
    const database = await createTestDatabase();
    const db = openDatabase(database.url);
    const ns = namespaced(uniqueToken('t'));
    const gateway = await startGateway({
      natsUrl: server.url,
      namespace: ns.prefix,
      databaseUrl: database.url,
      env: { PUBLISH_TIMEOUT_MS: '500', RELAY_INTERVAL_MS: '100' },
    });
    try {
      await waitUntilReady(gateway);
      await server.stop();

      const id = stripeId('evt_1');
      const event = stripeEvent(
        'checkout.session.completed',
        checkoutSession({ temporaryId: 'tmp_outage' }),
        { id },
      );
      const response = await post(gateway, signWebhook(event, SECRET));
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ received: true, outcome: 'publish_deferred' });
      const unpublished = await sql<{ published_at: Date | null }>`
        select published_at from payments.stripe_events where id = ${id}`.execute(db);
      expect(unpublished.rows).toEqual([{ published_at: null }]);

      await server.start();
      const nc = await connect({ servers: server.url });
      try {
        const jsm = await jetstreamManager(nc);
        await waitFor(
          'the relay to publish and mark the row',
          async () => {
            const { rows } = await sql<{ published_at: Date | null }>`
              select published_at from payments.stripe_events where id = ${id}`.execute(db);
            return rows[0]?.published_at != null;
          },
          { timeoutMs: 20_000 },
        );
        // A redelivery by Stripe after the outage changes nothing.
        const again = await post(gateway, signWebhook(event, SECRET));
        expect(again.json()).toEqual({ received: true, outcome: 'duplicate' });

        const messages = await paymentsMessages({ jsm, ns });
        expect(messages.map((m) => [m.msgId, m.envelope.type, m.envelope.correlationId])).toEqual([
          [envelopeIdFor(id), 'payment.completed', id],
        ]);
        const metrics = await gateway.registry.getSingleMetricAsString('eq_payments_relay_published_total');
        expect(metrics).toContain('eq_payments_relay_published_total 1');
      } finally {
        await nc.close();
      }
    } finally {
      await gateway.stop();
      await server.destroy();
      await db.destroy();
      await database.drop();
    }
  });
});

describe('stopping while NATS is down', () => {
  it('stops (HTTP, relay, connections) without waiting for NATS to come back', async () => {
    const server = await startPrivateNatsServer();
    const database = await createTestDatabase();
    const gateway = await startGateway({
      natsUrl: server.url,
      namespace: uniqueToken('t'),
      databaseUrl: database.url,
    });
    try {
      await waitUntilReady(gateway);
      await server.stop();
      await waitFor('the gateway to see NATS down', async () => {
        const ready = await gateway.app.inject({ url: '/readyz' });
        return ready.statusCode === 503 && ready.json().checks.nats !== 'ok';
      });
      await expect(gateway.stop()).resolves.toBeUndefined();
    } finally {
      await gateway.stop();
      await server.destroy();
      await database.drop();
    }
  });
});

describe('a failed start-up', () => {
  it('rejects with the reason and closes what it had opened (database connections, NATS)', async () => {
    const nats = await createTestNats();
    const database = await createTestDatabase();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await expect(
        startGateway({
          natsUrl: nats.url,
          namespace: nats.ns.prefix,
          databaseUrl: database.url,
          env: { PORT: String(port) },
        }),
      ).rejects.toThrow(/EADDRINUSE/);
      // Only our own checking connection is left on the database.
      await waitFor(
        'the gateway pools to be closed',
        async () => {
          const { rows } = await client.query<{ n: string }>(
            'select count(*) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
          );
          return rows[0]?.n === '0';
          // Well under the pool's 10 s idle timeout: the connections must be closed, not merely left to expire.
        },
        { timeoutMs: 3_000 },
      );
    } finally {
      await client.end();
      await new Promise((resolve) => taken.close(resolve));
      await nats.cleanup();
      await database.drop();
    }
  });
});

describe('Postgres unavailable', () => {
  it('answers 503 so that Stripe retries, publishes nothing, and is not ready', async () => {
    const nats = await createTestNats();
    const closedPort = await freePort();
    const gateway = await startGateway({
      natsUrl: nats.url,
      namespace: nats.ns.prefix,
      databaseUrl: `postgres://postgres@127.0.0.1:${closedPort}/payments`,
    });
    try {
      const event = stripeEvent(
        'checkout.session.completed',
        checkoutSession({ temporaryId: 'tmp_pg_down' }),
      );
      const response = await post(gateway, signWebhook(event, SECRET));
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({
        error: 'unavailable',
        message: 'the event could not be recorded; retry later',
      });

      const ready = await gateway.app.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ status: 'not_ready', checks: { nats: 'ok' } });
      expect(ready.json().checks.postgres).toMatch(/ECONNREFUSED|not migrated/);

      expect(await paymentsMessages(nats)).toEqual([]);
      const metrics = await gateway.registry.getSingleMetricAsString('eq_payments_stripe_webhooks_total');
      expect(metrics).toContain('outcome="unavailable"} 1');
    } finally {
      await gateway.stop();
      await nats.cleanup();
    }
  });
});
