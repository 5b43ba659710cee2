import { CheckoutExpired, PaymentCompleted, PaymentFailed, PaymentRefunded } from '@express-quote/contracts';
import { startEventSourcedRuntime } from '@express-quote/eventsourced-kit';
import { createHttpApp, type HttpApp, natsReadiness, pgReadiness } from '@express-quote/service-kit';
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
  const runtime = await startEventSourcedRuntime({
    name: SERVICE_NAME,
    logger,
    registry,
    config,
    schema: BOOKING_SCHEMA,
    consumesFrom: 'payments',
    publishesTo: 'bookings',
    migrate: migrateBooking,
    relayLagStore: 'booking',
    consumers: {
      concurrency: config.CONSUMER_CONCURRENCY,
      maxDeliver: config.CONSUMER_MAX_DELIVER,
      backoffMs: config.CONSUMER_BACKOFF,
      ackWaitMs: config.CONSUMER_ACK_WAIT,
    },
  });
  const { ns, nc, db, store } = runtime;

  try {
    const projection = await startBookingsProjection({ db, connection: config.DATABASE_URL, logger });
    runtime.onStop(() => projection.stop());

    const deps: HandlerDeps = {
      db,
      store,
      rates: config.PRICING_RATES_JSON,
      urgentWithinMs: config.URGENT_WITHIN,
      clock,
    };
    await runtime.consume('payment-completed', PaymentCompleted, (e, ctx) =>
      handlePaymentCompleted(e, deps, ctx.logger),
    );
    await runtime.consume('payment-refunded', PaymentRefunded, (e, ctx) =>
      handlePaymentRefunded(e, deps, ctx.logger),
    );
    await runtime.consume('payment-failed', PaymentFailed, (e, ctx) =>
      handlePaymentFailed(e, deps, ctx.logger),
    );
    await runtime.consume('checkout-expired', CheckoutExpired, (e, ctx) =>
      handleCheckoutExpired(e, deps, ctx.logger),
    );
    runtime.startQueueGauges();

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
    runtime.onStop(() => app.close());
    const url = await app.listen({ port: config.PORT, host: config.HOST });
    logger.info(
      {
        port: (app.server.address() as { port: number } | null)?.port ?? config.PORT,
        namespace: ns.prefix || '(production)',
        consumes: runtime.consumerNames(),
        publishes: ns.contextFilter('bookings'),
      },
      `booking service listening on ${url}`,
    );
    return { app, url, stop: runtime.stop };
  } catch (error) {
    await runtime.stop();
    throw error;
  }
};
