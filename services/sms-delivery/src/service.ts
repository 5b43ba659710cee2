import { NotificationRequested, namespaced, notifySubject } from '@express-quote/contracts';
import { reportCircuitState } from '@express-quote/delivery-kit';
import {
  connectNats,
  createPublisher,
  ensureContextStream,
  ensureDlqStream,
  type RunningConsumer,
  runConsumer,
} from '@express-quote/messaging';
import {
  createHttpApp,
  createMetricsRegistry,
  type HttpApp,
  natsReadiness,
  pgReadiness,
  registerConsumerLagMetrics,
  registerDlqSizeMetric,
} from '@express-quote/service-kit';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kysely, PostgresDialect } from 'kysely';
import type { CountryCode } from 'libphonenumber-js/max';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createBrevoProvider } from './adapters/brevo.ts';
import { createFreeMobileProvider } from './adapters/free-mobile.ts';
import { type GuardedSmsProvider, withBreaker } from './adapters/provider-breaker.ts';
import type { SmsProvider, SmsProviderName } from './adapters/sms-provider.ts';
import { createTwilioProvider } from './adapters/twilio.ts';
import { createVonageProvider } from './adapters/vonage.ts';
import type { SmsDeliveryConfig } from './config.ts';
import { createDeliveryRecords, type Database } from './delivery-records.ts';
import { checkMobileNumber } from './domain/phone-number.ts';
import { createSmsHandler } from './handlers/notification-requested.ts';
import { twilioCallbackRoutes } from './http/twilio-callbacks.ts';
import { createSmsMetrics, type SmsMetrics } from './metrics.ts';
import { migrateSmsDelivery } from './migrations.ts';
import { createSmsRenderer } from './templates/renderer.ts';

export const SERVICE_NAME = 'sms-delivery';

export interface SmsDeliveryService {
  readonly app: HttpApp;
  /** Ordered: HTTP, consumers (drain in-flight sends), NATS, Postgres. */
  stop(): Promise<void>;
}

export interface StartOptions {
  config: SmsDeliveryConfig;
  logger: Logger;
  registry?: Registry;
}

const DURABLES = { HIGH: 'sms-delivery-high', NORMAL: 'sms-delivery-normal' } as const;

/** The configured providers, in fallback order, each behind its own circuit breaker. */
export const buildProviders = (
  config: SmsDeliveryConfig,
  metrics: SmsMetrics,
  logger: Logger,
): GuardedSmsProvider[] => {
  const timeoutMs = config.SMS_SEND_TIMEOUT_MS;
  const make = (name: SmsProviderName): SmsProvider => {
    switch (name) {
      case 'twilio':
        return createTwilioProvider({
          accountSid: config.TWILIO_ACCOUNT_SID!,
          authToken: config.TWILIO_AUTH_TOKEN!,
          from: config.TWILIO_FROM,
          messagingServiceSid: config.TWILIO_MESSAGING_SERVICE_SID,
          baseUrl: config.TWILIO_BASE_URL,
          timeoutMs,
        });
      case 'vonage':
        return createVonageProvider({
          apiKey: config.VONAGE_API_KEY!,
          apiSecret: config.VONAGE_API_SECRET!,
          from: config.VONAGE_FROM!,
          baseUrl: config.VONAGE_BASE_URL,
          timeoutMs,
        });
      case 'brevo':
        return createBrevoProvider({
          apiKey: config.BREVO_API_KEY!,
          sender: config.BREVO_SENDER!,
          baseUrl: config.BREVO_BASE_URL,
          timeoutMs,
        });
      case 'free-mobile': {
        const owner = checkMobileNumber(config.FREE_MOBILE_PHONE!, config.SMS_DEFAULT_COUNTRY as CountryCode);
        if (!owner.ok) throw new Error(`FREE_MOBILE_PHONE: ${owner.reason}`);
        return createFreeMobileProvider({
          user: config.FREE_MOBILE_USER!,
          pass: config.FREE_MOBILE_PASS!,
          ownerPhone: owner.e164,
          baseUrl: config.FREE_MOBILE_BASE_URL,
          timeoutMs,
        });
      }
      default: {
        const unknown: never = name;
        throw new Error(`unknown SMS provider ${unknown as string}`);
      }
    }
  };
  return config.SMS_PROVIDERS.map((name) =>
    withBreaker(make(name), {
      consecutiveFailures: config.SMS_BREAKER_FAILURES,
      halfOpenAfterMs: config.SMS_BREAKER_HALF_OPEN_MS,
      maxHalfOpenAfterMs: config.SMS_BREAKER_MAX_HALF_OPEN_MS,
      onStateChange: reportCircuitState(metrics.circuitState, logger, {
        provider: name,
        label: `SMS provider ${name}`,
        whenOpen: 'skipped for now',
      }),
    }),
  );
};

export const startSmsDeliveryService = async ({
  config,
  logger,
  registry = createMetricsRegistry(SERVICE_NAME),
}: StartOptions): Promise<SmsDeliveryService> => {
  const ns = namespaced(config.NATS_NAMESPACE);
  // What is opened is closed in reverse order, also when start-up fails half-way.
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        logger.error({ err: error }, 'sms-delivery: error while stopping');
      }
    }
  };

  try {
    const renderer = createSmsRenderer({ brandName: config.SMS_BRAND_NAME });
    const metrics = createSmsMetrics(registry);
    const providers = buildProviders(config, metrics, logger);

    const db = new Kysely<Database>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_MAX }),
      }),
    });
    closers.push(() => db.destroy());
    await migrateSmsDelivery(db);
    const records = createDeliveryRecords(db);

    const nc = await connectNats({ servers: config.NATS_URL, name: SERVICE_NAME, logger });
    closers.push(async () => {
      if (!nc.isClosed()) await nc.drain();
    });
    const jsm = await jetstreamManager(nc);
    const streamOptions = { replicas: config.STREAM_REPLICAS };
    // Every stream this service reads or writes, declared the same way by every service: any start order works.
    await ensureContextStream(jsm, ns, 'notify', streamOptions);
    await ensureContextStream(jsm, ns, 'notifications', streamOptions);
    await ensureDlqStream(jsm, ns, ['notify'], streamOptions);
    const publisher = createPublisher(nc, ns);

    const handler = createSmsHandler({
      renderer,
      providers,
      records,
      publisher,
      metrics,
      settings: {
        brandName: config.SMS_BRAND_NAME,
        defaultCountry: config.SMS_DEFAULT_COUNTRY as CountryCode,
        publicBaseUrl: config.SMS_PUBLIC_BASE_URL ?? null,
        maxDeliver: config.SMS_MAX_DELIVER,
        backoffMs: config.SMS_BACKOFF_MS,
        sendTimeoutMs: config.SMS_SEND_TIMEOUT_MS,
        pricePerSegmentMicros: config.SMS_PRICE_PER_SEGMENT_MICROS,
      },
    });

    // One durable consumer per priority (nats 2.9: one filter subject each): a NORMAL backlog never delays HIGH.
    const consumers: RunningConsumer[] = [];
    closers.push(async () => {
      await Promise.all(consumers.map((c) => c.stop({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS })));
    });
    if (providers.length === 0) {
      logger.warn(
        { consumes: 'nothing' },
        'SMS_PROVIDERS is empty: SMS sending is disabled, notify.sms.* commands wait in the stream until a provider is configured',
      );
    }
    for (const priority of providers.length > 0 ? (['HIGH', 'NORMAL'] as const) : []) {
      consumers.push(
        await runConsumer({
          nc,
          ns,
          logger,
          registry,
          name: DURABLES[priority],
          context: 'notify',
          filterSubject: notifySubject('sms', priority),
          events: [NotificationRequested],
          concurrency: priority === 'HIGH' ? config.SMS_HIGH_CONCURRENCY : config.SMS_NORMAL_CONCURRENCY,
          maxDeliver: config.SMS_MAX_DELIVER,
          backoffMs: config.SMS_BACKOFF_MS,
          ackWaitMs: config.SMS_ACK_WAIT_MS,
          dlq: streamOptions,
          handler,
        }),
      );
    }

    // The seed's queue gauges (waiting / active / redelivered) and the DLQ size, polled from JetStream.
    const pollers = [
      registerConsumerLagMetrics(
        registry,
        jsm,
        Object.values(DURABLES).map((durable) => ({ stream: ns.stream('notify'), durable })),
      ),
      registerDlqSizeMetric(registry, jsm, ns.stream('dlq')),
    ];
    closers.push(async () => {
      for (const poller of pollers) poller.stop();
    });

    const app = createHttpApp({
      logger,
      registry,
      readiness: { nats: natsReadiness(nc), postgres: pgReadiness(db) },
    });
    closers.push(() => app.close());
    if (config.TWILIO_AUTH_TOKEN) {
      await app.register(
        twilioCallbackRoutes({
          authToken: config.TWILIO_AUTH_TOKEN,
          publicBaseUrl: config.SMS_PUBLIC_BASE_URL ?? null,
          records,
          publisher,
          metrics,
        }),
      );
    }
    await app.listen({ port: config.PORT, host: config.HOST });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    logger.info(
      {
        port,
        consumes:
          providers.length > 0
            ? [ns.subject(notifySubject('sms', 'HIGH')), ns.subject(notifySubject('sms', 'NORMAL'))]
            : [],
        publishes: ns.contextFilter('notifications'),
        providers: config.SMS_PROVIDERS,
        templates: renderer.names,
        deliveryReports: config.SMS_PUBLIC_BASE_URL
          ? `${config.SMS_PUBLIC_BASE_URL}/api/callbacks/twilio`
          : 'off',
      },
      `sms-delivery listening on ${config.HOST}:${port}`,
    );

    let stopped: Promise<void> | undefined;
    return {
      app,
      stop() {
        stopped ??= closeAll();
        return stopped;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
};
