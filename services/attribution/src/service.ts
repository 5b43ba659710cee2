import { BookingCancelled, BookingConfirmed } from '@express-quote/contracts';
import { startEventSourcedRuntime } from '@express-quote/eventsourced-kit';
import { createHttpApp, type HttpApp, natsReadiness, pgReadiness } from '@express-quote/service-kit';
import type { Logger } from 'pino';
import { Counter, Registry } from 'prom-client';
import type { AttributionConfig } from './config.ts';
import { ATTRIBUTION_SCHEMA } from './database.ts';
import { type DeadlinePoller, startDeadlinePoller } from './deadlines/deadline-poller.ts';
import { createLinkSigner } from './domain/link-token.ts';
import { createApiAdresseGeocoder } from './geocoding/api-adresse.ts';
import type { Geocoder } from './geocoding/geocoder.ts';
import { createLocator } from './geocoding/locator.ts';
import { createOfflineGeocoder } from './geocoding/offline-geocoder.ts';
import { handleBookingCancelled } from './handlers/booking-cancelled.ts';
import { handleBookingConfirmed } from './handlers/booking-confirmed.ts';
import type { AttributionDeps } from './handlers/handler-deps.ts';
import { adminAttributionsRoutes } from './http/admin-attributions.ts';
import { adminProfessionalsRoutes } from './http/admin-professionals.ts';
import { respondRoutes } from './http/respond.ts';
import { reportGeocoderCircuit } from './metrics.ts';
import { migrateAttribution } from './migrations.ts';
import { applyProfessionalsFixture, readProfessionalsFixture } from './professionals/fixture.ts';

export const SERVICE_NAME = 'attribution';

export interface StartAttributionServiceOptions {
  config: AttributionConfig;
  logger: Logger;
  registry?: Registry;
  /** Business clock (tests drive deadlines with it); defaults to the system clock. */
  clock?: () => Date;
  /** Replaces the online geocoder built from GEOCODER_URL (tests). */
  onlineGeocoder?: Geocoder | null;
}

export interface AttributionService {
  app: HttpApp;
  /** Where the HTTP server listens. */
  url: string;
  deps: AttributionDeps;
  deadlines: DeadlinePoller;
  stop(): Promise<void>;
}

/**
 * Wires the attribution service: NATS streams and the booking consumers, the Postgres event store (schema
 * `attribution`, migrated at start) and its relay to ATTRIBUTION, the professionals registry (fixture applied at
 * start), the deadline poller, and the HTTP pages and admin API. `stop()` closes in order: HTTP, queue
 * gauges, consumers (drained), deadline poller, relay, Postgres, NATS.
 */
export const startAttributionService = async (
  options: StartAttributionServiceOptions,
): Promise<AttributionService> => {
  const { config, logger } = options;
  const registry = options.registry ?? new Registry();
  const clock = options.clock ?? (() => new Date());
  const runtime = await startEventSourcedRuntime({
    name: SERVICE_NAME,
    logger,
    registry,
    config,
    schema: ATTRIBUTION_SCHEMA,
    consumesFrom: 'bookings',
    publishesTo: 'attribution',
    migrate: migrateAttribution,
    relayLagStore: 'attribution',
    consumers: {
      concurrency: config.CONSUMER_CONCURRENCY,
      maxDeliver: config.CONSUMER_MAX_DELIVER,
      backoffMs: config.CONSUMER_BACKOFF_MS,
      ackWaitMs: config.CONSUMER_ACK_WAIT_MS,
    },
  });
  const { ns, nc, db, store } = runtime;

  try {
    const fixture = await readProfessionalsFixture(config.PROFESSIONALS_FIXTURE_PATH);
    const loaded = await applyProfessionalsFixture(db, fixture, clock());
    logger.info(
      loaded,
      loaded.applied ? 'professionals fixture applied' : 'professionals fixture already loaded',
    );

    const geocoded = new Counter({
      name: 'attribution_geocoding_total',
      help: 'Service locations found, by precision and by the geocoder that answered.',
      labelNames: ['precision', 'source'],
      registers: [registry],
    });
    const online =
      options.onlineGeocoder !== undefined
        ? options.onlineGeocoder
        : config.GEOCODER_URL
          ? createApiAdresseGeocoder({
              baseUrl: config.GEOCODER_URL,
              timeoutMs: config.GEOCODER_TIMEOUT_MS,
              breaker: {
                consecutiveFailures: config.GEOCODER_BREAKER_FAILURES,
                halfOpenAfterMs: config.GEOCODER_BREAKER_HALF_OPEN_MS,
              },
              cache: { maxEntries: config.GEOCODER_CACHE_MAX, ttlMs: config.GEOCODER_CACHE_TTL_MS },
              onCircuitStateChange: reportGeocoderCircuit(registry, logger, 'api-adresse'),
            })
          : null;
    const locator = createLocator({
      online,
      offline: createOfflineGeocoder(),
      logger,
      onLocated: (location) => geocoded.inc({ precision: location.precision, source: location.source }),
    });

    const deps: AttributionDeps = {
      db,
      store,
      locator,
      signer: createLinkSigner(config.ATTRIBUTION_LINK_SECRET),
      policy: {
        radiusKm: config.ATTRIBUTION_RADIUS_KM,
        rebroadcastRadiusKm: config.REBROADCAST_RADIUS_KM,
        maxProposalsPerRound: config.MAX_PROPOSALS_PER_ROUND,
        timeouts: { normalMs: config.RESPONSE_TIMEOUT_MS, urgentMs: config.URGENT_RESPONSE_TIMEOUT_MS },
        publicBaseUrl: config.PUBLIC_BASE_URL,
      },
      clock,
    };

    const rounds = new Counter({
      name: 'attribution_rounds_closed_total',
      help: 'Rounds closed by their deadline, by outcome (rebroadcast, needs_staff).',
      labelNames: ['outcome'],
      registers: [registry],
    });
    const deadlines = startDeadlinePoller(deps, {
      intervalMs: config.DEADLINE_POLL_INTERVAL_MS,
      logger,
      onOutcome: (outcome) => {
        if (outcome.kind === 'rebroadcast' || outcome.kind === 'needs_staff')
          rounds.inc({ outcome: outcome.kind });
      },
    });
    runtime.onStop(() => deadlines.stop());

    await runtime.consume('booking-confirmed', BookingConfirmed, (e, ctx) =>
      handleBookingConfirmed(e, deps, ctx.logger),
    );
    await runtime.consume('booking-cancelled', BookingCancelled, (e, ctx) =>
      handleBookingCancelled(e, deps, ctx.logger),
    );
    runtime.startQueueGauges();

    const app = createHttpApp({
      logger,
      registry,
      readiness: { nats: natsReadiness(nc), postgres: pgReadiness(db) },
    });
    await app.register(respondRoutes(deps, { rateLimitPerMinute: config.RESPOND_RATE_LIMIT_PER_MINUTE }));
    await app.register(adminProfessionalsRoutes({ db, adminToken: config.ADMIN_TOKEN, clock }));
    await app.register(adminAttributionsRoutes({ deps, adminToken: config.ADMIN_TOKEN }));
    runtime.onStop(() => app.close());
    const url = await app.listen({ port: config.PORT, host: config.HOST });
    logger.info(
      {
        port: (app.server.address() as { port: number } | null)?.port ?? config.PORT,
        namespace: ns.prefix || '(production)',
        consumes: [BookingConfirmed.type, BookingCancelled.type],
        publishes: ns.contextFilter('attribution'),
        geocoder: online ? online.name : 'offline only',
      },
      `attribution listening on ${url}: consumes ${BookingConfirmed.type} and ${BookingCancelled.type}`,
    );
    return { app, url, deps, deadlines, stop: runtime.stop };
  } catch (error) {
    await runtime.stop();
    throw error;
  }
};
