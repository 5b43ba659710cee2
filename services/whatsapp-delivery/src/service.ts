import { type DeliveryService, reportCircuitState, startDeliveryService } from '@express-quote/delivery-kit';
import { openObjectStore } from '@express-quote/messaging';
import { createMetricsRegistry } from '@express-quote/service-kit';
import type { CountryCode } from 'libphonenumber-js/max';
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

/** Stops in order: HTTP, consumers (drain in-flight sends), NATS, Postgres. */
export type WhatsAppDeliveryService = DeliveryService;

export const startWhatsAppDeliveryService = async ({
  config,
  logger,
  registry = createMetricsRegistry(SERVICE_NAME),
}: {
  config: WhatsAppDeliveryConfig;
  logger: Logger;
  registry?: Registry;
}): Promise<WhatsAppDeliveryService> => {
  const renderer = createWhatsAppRenderer();
  // Unconfigured: the service runs (health, metrics) but consumes nothing; commands wait in NOTIFY.
  const credentials = whatsAppCredentials(config);
  const metrics = createWhatsAppMetrics(registry);
  return startDeliveryService<Database>({
    name: SERVICE_NAME,
    channel: 'whatsapp',
    config,
    logger,
    registry,
    migrate: migrateWhatsAppDelivery,
    consumers: {
      concurrency: {
        CRITICAL: config.WHATSAPP_CRITICAL_CONCURRENCY,
        HIGH: config.WHATSAPP_HIGH_CONCURRENCY,
        NORMAL: config.WHATSAPP_NORMAL_CONCURRENCY,
      },
      maxDeliver: config.WHATSAPP_MAX_DELIVER,
      backoffMs: config.WHATSAPP_BACKOFF_MS,
      ackWaitMs: config.WHATSAPP_ACK_WAIT_MS,
    },
    wire: async ({ db, nc, ns, publisher }) => {
      const records = createDeliveryRecords(db);
      const blobs = await openObjectStore(nc, ns, config.DOCUMENTS_BUCKET, {
        replicas: config.STREAM_REPLICAS,
      });
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
        documents: createDocumentUploader({
          blobs,
          api,
          records,
          onUpload: () => metrics.mediaUploads.inc(),
        }),
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
      return {
        handler: credentials ? handler : null,
        disabledReason:
          'WhatsApp credentials not configured: WhatsApp is disabled, notify.whatsapp.* commands wait in the stream',
        register: async (app) => {
          if (!credentials) return;
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
        },
        announce: {
          graph: `${config.WHATSAPP_API_BASE_URL}/${config.WHATSAPP_GRAPH_VERSION}`,
          templates: renderer.names,
        },
      };
    },
  });
};
