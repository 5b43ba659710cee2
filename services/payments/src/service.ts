import { type Envelope, namespaced } from '@express-quote/contracts';
import { connectNats, createPublisher, ensureContextStream } from '@express-quote/messaging';
import {
  createHttpApp,
  type HttpApp,
  type Logger,
  natsReadiness,
  pgReadiness,
} from '@express-quote/service-kit';
import { jetstreamManager } from '@nats-io/jetstream';
import { Registry } from 'prom-client';
import { createStripeWebhookVerifier } from './adapters/stripe-webhook-verifier.ts';
import type { PaymentsConfig } from './config.ts';
import { createDatabase } from './database.ts';
import { STRIPE_WEBHOOK_PATH, stripeWebhookRoutes } from './http/stripe-webhook.ts';
import { createPaymentsMetrics } from './metrics.ts';
import { trackNatsConnection } from './nats-connection-state.ts';
import { createStripeEventReceiver } from './receive-stripe-event.ts';
import { startSchemaMigration } from './schema-migration.ts';
import { createStripeEventLog } from './stripe-event-log.ts';
import { startStripeEventRelay } from './stripe-event-relay.ts';

export interface StartPaymentsServiceOptions {
  config: PaymentsConfig;
  logger: Logger;
  registry?: Registry;
}

export interface PaymentsService {
  app: HttpApp;
  /** The address the HTTP server listens on, e.g. `http://127.0.0.1:3001`. */
  url: string;
  stop(): Promise<void>;
}

export const startPaymentsService = async ({
  config,
  logger,
  registry = new Registry(),
}: StartPaymentsServiceOptions): Promise<PaymentsService> => {
  const ns = namespaced(config.NATS_NAMESPACE);
  // Checked before any connection: a gateway that cannot verify signatures must not start at all.
  const verifier = createStripeWebhookVerifier({
    secrets: config.STRIPE_WEBHOOK_SECRET,
    toleranceSeconds: config.STRIPE_SIGNATURE_TOLERANCE_SECONDS,
    secretKey: config.STRIPE_SECRET_KEY,
  });

  // What is opened, closed in reverse order by stop() or when start-up fails half-way (port taken…).
  const closers: Array<() => Promise<unknown>> = [];
  // Every step runs even when one fails (a failed NATS drain must not leave the Postgres pools open); the first
  // error is rethrown so the process reports a failed stop.
  const closeAll = async () => {
    let failure: unknown;
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        failure ??= error;
        logger.error({ err: (error as Error).message }, 'a shutdown step failed; continuing with the others');
      }
    }
    if (failure) throw failure;
  };

  try {
    const db = createDatabase({ url: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, logger });
    closers.push(() => db.destroy());
    const markDb = createDatabase({
      url: config.DATABASE_URL,
      poolMax: Math.max(2, Math.ceil(config.DATABASE_POOL_MAX / 2)),
      logger,
      synchronousCommit: false,
    });
    closers.push(() => markDb.destroy());
    const migration = startSchemaMigration(db, logger);
    closers.push(() => migration.stop());
    const log = createStripeEventLog(db, markDb);
    const metrics = createPaymentsMetrics(registry, () => log.countUnpublished());

    const nc = await connectNats({ servers: config.NATS_URL, name: 'payments', logger });
    const natsConnected = trackNatsConnection(nc);
    // Draining needs the server; with NATS down there is nothing in flight to flush anyway.
    closers.push(() => (natsConnected() ? nc.drain() : nc.close()));
    // The gateway owns PAYMENTS: declared here (idempotent) so consumers can start in any order after it.
    await ensureContextStream(await jetstreamManager(nc), ns, 'payments', {
      replicas: config.STREAM_REPLICAS,
    });
    const publisher = createPublisher(nc, ns);
    const publish = (envelope: Envelope) =>
      publisher.publish(envelope, { timeoutMs: config.PUBLISH_TIMEOUT_MS });

    const relay = startStripeEventRelay({
      db,
      log,
      publish,
      logger: logger.child({ component: 'relay' }),
      metrics,
      intervalMs: config.RELAY_INTERVAL_MS,
      // Leaves fresh rows to the webhook request publishing them right now.
      graceMs: config.PUBLISH_TIMEOUT_MS + 1_000,
      ready: migration.done,
      canPublish: natsConnected,
    });
    closers.push(() => relay.stop());
    const receiver = createStripeEventReceiver({ log, publish, natsConnected, logger });

    const checkPostgres = pgReadiness(db);
    const app = createHttpApp({
      logger,
      registry,
      readiness: {
        nats: natsReadiness(nc),
        postgres: async () => {
          migration.assertReady();
          await checkPostgres();
        },
      },
    });
    // Closed first on stop: no new webhook while the rest shuts down; in-flight ones finish.
    closers.push(() => app.close());
    await app.register(stripeWebhookRoutes, { verifier, receiver, metrics, logger });
    await app.listen({ port: config.PORT, host: config.HOST });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;
    logger.info(
      {
        port,
        webhook: `POST ${STRIPE_WEBHOOK_PATH}`,
        publishesTo: ns.stream('payments'),
        consumes: 'Stripe webhooks (no NATS consumer)',
        secrets: config.STRIPE_WEBHOOK_SECRET.length,
      },
      `payments listening on port ${port}: Stripe webhooks at POST ${STRIPE_WEBHOOK_PATH} → ${ns.stream('payments')}`,
    );

    let stopped: Promise<void> | undefined;
    return {
      app,
      url,
      stop() {
        stopped ??= closeAll();
        return stopped;
      },
    };
  } catch (error) {
    await closeAll().catch((closeError: unknown) =>
      logger.warn({ err: (closeError as Error).message }, 'cleanup after a failed start-up failed'),
    );
    throw error;
  }
};
