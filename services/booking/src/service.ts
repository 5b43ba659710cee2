import {
  CheckoutExpired,
  type Context,
  type EventDefinition,
  type EventOf,
  namespaced,
  PaymentCompleted,
  PaymentFailed,
  PaymentRefunded,
} from '@express-quote/contracts';
import {
  createEventStore,
  migrateEventStore,
  registerRelayLagMetric,
  startRelay,
  toEnvelope,
} from '@express-quote/eventstore';
import {
  connectNats,
  createPublisher,
  ensureContextStream,
  ensureDlqStream,
  type HandlerContext,
  type RunningConsumer,
  runConsumer,
} from '@express-quote/messaging';
import {
  createHttpApp,
  type HttpApp,
  natsReadiness,
  pgReadiness,
  registerConsumerLagMetrics,
  registerDlqSizeMetric,
} from '@express-quote/service-kit';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { createPostcodeDirectory, type PostcodeDirectory } from './adapters/postcodes.ts';
import type { BookingConfig } from './config.ts';
import { BOOKING_SCHEMA } from './database.ts';
import { handleCheckoutExpired } from './handlers/checkout-expired.ts';
import type { HandlerDeps } from './handlers/handler-deps.ts';
import { handlePaymentCompleted } from './handlers/payment-completed.ts';
import { handlePaymentFailed } from './handlers/payment-failed.ts';
import { handlePaymentRefunded } from './handlers/payment-refunded.ts';
import { bookingsRoutes } from './http/bookings.ts';
import { quotesRoutes } from './http/quotes.ts';
import { migrateBooking } from './migrations.ts';
import { startBookingsProjection } from './projections/bookings-projection.ts';

export const SERVICE_NAME = 'booking';

/** Streams this service publishes into (BOOKINGS, via the relay) or consumes from (PAYMENTS). */
const CONTEXTS: readonly Context[] = ['payments', 'bookings'];

export interface StartBookingServiceOptions {
  config: BookingConfig;
  logger: Logger;
  registry?: Registry;
  /** Business clock (tests pin it); defaults to the system clock. */
  clock?: () => Date;
  /** Defaults to the official list of French postcodes. */
  postcodes?: PostcodeDirectory;
}

export interface BookingService {
  app: HttpApp;
  /** Where the HTTP API listens (after start). */
  url: string;
  stop(): Promise<void>;
}

/**
 * Wires the booking service: NATS streams and consumers of payment events, the Postgres event store (own schema,
 * migrated at start), the outbox relay to BOOKINGS, the bookings read model and the HTTP API. `stop()` closes in
 * order: HTTP, queue gauges, consumers (drained), projection and relay, Postgres, NATS.
 */
export const startBookingService = async (options: StartBookingServiceOptions): Promise<BookingService> => {
  const { config, logger } = options;
  const registry = options.registry ?? new Registry();
  const clock = options.clock ?? (() => new Date());
  const ns = namespaced(config.NATS_NAMESPACE);
  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.error({ err: error }, 'error while stopping');
      }
    }
    cleanups.length = 0;
  };

  try {
    const nc = await connectNats({ servers: config.NATS_URL, name: SERVICE_NAME, logger });
    cleanups.push(async () => {
      if (!nc.isClosed()) await nc.drain();
    });
    const jsm = await jetstreamManager(nc);
    const streamOptions = { replicas: config.STREAM_REPLICAS };
    for (const context of CONTEXTS) await ensureContextStream(jsm, ns, context, streamOptions);
    await ensureDlqStream(jsm, ns, ['payments'], streamOptions);

    const pool = new pg.Pool({
      connectionString: config.DATABASE_URL,
      max: config.DATABASE_POOL_MAX,
      // An abandoned transaction would hold back the event store's global order for every reader.
      options: '-c idle_in_transaction_session_timeout=10000',
    });
    const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
    cleanups.push(() => db.destroy());
    await migrateEventStore(db, BOOKING_SCHEMA);
    await migrateBooking(db);
    const store = createEventStore(db, {
      schema: BOOKING_SCHEMA,
      idleInTransactionTimeoutMs: null,
      registry,
    });

    const publisher = createPublisher(nc, ns);
    const relay = await startRelay({
      store,
      connection: config.DATABASE_URL,
      logger,
      publish: (event) => publisher.publish(toEnvelope(event)),
    });
    cleanups.push(() => relay.stop());
    const projection = await startBookingsProjection({ db, connection: config.DATABASE_URL, logger });
    cleanups.push(() => projection.stop());
    registerRelayLagMetric(registry, 'booking', () => relay.lag());

    const deps: HandlerDeps = {
      db,
      store,
      rates: config.PRICING_RATES_JSON,
      urgentWithinMs: config.URGENT_WITHIN,
      clock,
    };
    const consumers: RunningConsumer[] = [];
    cleanups.push(async () => {
      await Promise.all(consumers.map((c) => c.stop()));
    });
    const consume = async <D extends EventDefinition>(
      purpose: string,
      def: D,
      handle: (event: EventOf<D>, ctx: HandlerContext) => Promise<unknown>,
    ) => {
      consumers.push(
        await runConsumer({
          nc,
          ns,
          logger,
          registry,
          name: `${SERVICE_NAME}-${purpose}`,
          context: 'payments',
          filterSubject: def.subject,
          events: [def],
          concurrency: config.CONSUMER_CONCURRENCY,
          maxDeliver: config.CONSUMER_MAX_DELIVER,
          backoffMs: config.CONSUMER_BACKOFF,
          ackWaitMs: config.CONSUMER_ACK_WAIT,
          dlq: false,
          handler: async (event, ctx) => {
            const outcome = await handle(event, ctx);
            ctx.logger.info({ outcome }, `${event.type} handled`);
          },
        }),
      );
    };
    await consume('payment-completed', PaymentCompleted, (e, ctx) =>
      handlePaymentCompleted(e, deps, ctx.logger),
    );
    await consume('payment-refunded', PaymentRefunded, (e, ctx) =>
      handlePaymentRefunded(e, deps, ctx.logger),
    );
    await consume('payment-failed', PaymentFailed, (e, ctx) => handlePaymentFailed(e, deps, ctx.logger));
    await consume('checkout-expired', CheckoutExpired, (e, ctx) =>
      handleCheckoutExpired(e, deps, ctx.logger),
    );
    // The queue gauges of every durable above and the DLQ size; stopped before the consumers and NATS.
    const pollers = [
      registerConsumerLagMetrics(
        registry,
        jsm,
        consumers.map((c) => ({ stream: ns.stream('payments'), durable: c.name })),
      ),
      registerDlqSizeMetric(registry, jsm, ns.stream('dlq')),
    ];
    cleanups.push(async () => {
      for (const poller of pollers) poller.stop();
    });

    const postcodes = options.postcodes ?? createPostcodeDirectory();
    const app = createHttpApp({
      logger,
      registry,
      readiness: { nats: natsReadiness(nc), postgres: pgReadiness(db) },
    });
    await app.register(
      quotesRoutes({
        store,
        rates: config.PRICING_RATES_JSON,
        rules: { maxDaysAhead: config.QUOTE_MAX_DAYS_AHEAD, knownPostcode: (pc) => postcodes.exists(pc) },
        quoteValidityMs: config.QUOTE_VALIDITY,
        clock,
      }),
    );
    await app.register(bookingsRoutes({ db }));
    cleanups.push(() => app.close());
    const url = await app.listen({ port: config.PORT, host: config.HOST });
    logger.info(
      {
        port: (app.server.address() as { port: number } | null)?.port ?? config.PORT,
        namespace: ns.prefix || '(production)',
        consumes: consumers.map((c) => c.name),
        publishes: ns.contextFilter('bookings'),
      },
      `booking service listening on ${url}`,
    );
    return { app, url, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
};
