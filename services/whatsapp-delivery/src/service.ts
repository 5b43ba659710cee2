import { NotificationRequested, namespaced, notifySubject } from '@express-quote/contracts';
import { reportCircuitState } from '@express-quote/delivery-kit';
import {
  connectNats,
  createPublisher,
  ensureContextStream,
  ensureDlqStream,
  openObjectStore,
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
import { withApiBreaker } from './adapters/api-breaker.ts';
import { createCloudApi } from './adapters/cloud-api.ts';
import { createDocumentUploader } from './adapters/documents.ts';
import { type WhatsAppDeliveryConfig, whatsAppCredentials } from './config.ts';
import { createDeliveryRecords, type Database } from './delivery-records.ts';
import { PROVIDER } from './domain/provider.ts';
import { createWhatsAppHandler } from './handlers/notification-requested.ts';
import { createStatusProcessor } from './handlers/status-webhook.ts';
import { whatsAppWebhookRoutes } from './http/whatsapp-webhook.ts';
import { createWhatsAppMetrics } from './metrics.ts';
import { migrateWhatsAppDelivery } from './migrations.ts';
import { createWhatsAppRenderer } from './templates/renderer.ts';

export const SERVICE_NAME = 'whatsapp-delivery';

export interface WhatsAppDeliveryService {
  readonly app: HttpApp;
  /** Ordered: HTTP, consumers (drain in-flight sends), NATS, Postgres. */
  stop(): Promise<void>;
}

const DURABLES = { HIGH: 'whatsapp-delivery-high', NORMAL: 'whatsapp-delivery-normal' } as const;

export const startWhatsAppDeliveryService = async ({
  config,
  logger,
  registry = createMetricsRegistry(SERVICE_NAME),
}: {
  config: WhatsAppDeliveryConfig;
  logger: Logger;
  registry?: Registry;
}): Promise<WhatsAppDeliveryService> => {
  const ns = namespaced(config.NATS_NAMESPACE);
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        logger.error({ err: error }, 'whatsapp-delivery: error while stopping');
      }
    }
  };

  try {
    const renderer = createWhatsAppRenderer();
    // Unconfigured: the service runs (health, metrics) but consumes nothing; commands wait in NOTIFY.
    const credentials = whatsAppCredentials(config);
    const metrics = createWhatsAppMetrics(registry);
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_MAX }),
      }),
    });
    closers.push(() => db.destroy());
    await migrateWhatsAppDelivery(db);
    const records = createDeliveryRecords(db);

    const nc = await connectNats({ servers: config.NATS_URL, name: SERVICE_NAME, logger });
    closers.push(async () => {
      if (!nc.isClosed()) await nc.drain();
    });
    const jsm = await jetstreamManager(nc);
    const streamOptions = { replicas: config.STREAM_REPLICAS };
    await ensureContextStream(jsm, ns, 'notify', streamOptions);
    await ensureContextStream(jsm, ns, 'notifications', streamOptions);
    await ensureDlqStream(jsm, ns, ['notify'], streamOptions);
    const blobs = await openObjectStore(nc, ns, config.DOCUMENTS_BUCKET, {
      replicas: config.STREAM_REPLICAS,
    });
    const publisher = createPublisher(nc, ns);

    const api = withApiBreaker(
      createCloudApi({
        baseUrl: config.WHATSAPP_API_BASE_URL,
        version: config.WHATSAPP_GRAPH_VERSION,
        phoneNumberId: credentials?.phoneNumberId ?? '0',
        accessToken: credentials?.accessToken ?? '',
        timeoutMs: config.WHATSAPP_SEND_TIMEOUT_MS,
      }),
      {
        consecutiveFailures: config.WHATSAPP_BREAKER_FAILURES,
        halfOpenAfterMs: config.WHATSAPP_BREAKER_HALF_OPEN_MS,
        maxHalfOpenAfterMs: config.WHATSAPP_BREAKER_MAX_HALF_OPEN_MS,
        onStateChange: reportCircuitState(metrics.circuitState, logger, {
          provider: PROVIDER,
          label: 'Cloud API',
          whenOpen: 'sends paused',
        }),
      },
    );

    const handler = createWhatsAppHandler({
      renderer,
      api,
      documents: createDocumentUploader({ blobs, api, records, onUpload: () => metrics.mediaUploads.inc() }),
      records,
      publisher,
      metrics,
      settings: {
        brandName: config.WHATSAPP_BRAND_NAME,
        defaultCountry: config.WHATSAPP_DEFAULT_COUNTRY as CountryCode,
        templateLanguage: config.WHATSAPP_TEMPLATE_LANGUAGE,
        maxDeliver: config.WHATSAPP_MAX_DELIVER,
        backoffMs: config.WHATSAPP_BACKOFF_MS,
      },
    });

    const consumers: RunningConsumer[] = [];
    closers.push(async () => {
      await Promise.all(consumers.map((c) => c.stop({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS })));
    });
    if (!credentials) {
      logger.warn(
        { consumes: 'nothing' },
        'WhatsApp credentials not configured: WhatsApp is disabled, notify.whatsapp.* commands wait in the stream',
      );
    }
    for (const priority of credentials ? (['HIGH', 'NORMAL'] as const) : []) {
      consumers.push(
        await runConsumer({
          nc,
          ns,
          logger,
          registry,
          name: DURABLES[priority],
          context: 'notify',
          filterSubject: notifySubject('whatsapp', priority),
          events: [NotificationRequested],
          concurrency:
            priority === 'HIGH' ? config.WHATSAPP_HIGH_CONCURRENCY : config.WHATSAPP_NORMAL_CONCURRENCY,
          maxDeliver: config.WHATSAPP_MAX_DELIVER,
          backoffMs: config.WHATSAPP_BACKOFF_MS,
          ackWaitMs: config.WHATSAPP_ACK_WAIT_MS,
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
    if (credentials) {
      await app.register(
        whatsAppWebhookRoutes({
          appSecret: credentials.appSecret,
          verifyToken: credentials.verifyToken,
          process: createStatusProcessor({
            records,
            publisher,
            api,
            metrics,
            priceMicros: config.WHATSAPP_PRICE_MICROS,
          }),
        }),
      );
    }
    await app.listen({ port: config.PORT, host: config.HOST });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    logger.info(
      {
        port,
        consumes: credentials
          ? [ns.subject(notifySubject('whatsapp', 'HIGH')), ns.subject(notifySubject('whatsapp', 'NORMAL'))]
          : [],
        publishes: ns.contextFilter('notifications'),
        graph: `${config.WHATSAPP_API_BASE_URL}/${config.WHATSAPP_GRAPH_VERSION}`,
        templates: renderer.names,
      },
      `whatsapp-delivery listening on ${config.HOST}:${port}`,
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
