import { type DeliveryService, reportCircuitState, startDeliveryService } from '@express-quote/delivery-kit';
import { openObjectStore } from '@express-quote/messaging';
import { createMetricsRegistry } from '@express-quote/service-kit';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createAttachmentSource } from './adapters/object-store-attachments.ts';
import { createSmtpTransport } from './adapters/smtp.ts';
import { withCircuitBreaker } from './adapters/smtp-circuit-breaker.ts';
import type { EmailDeliveryConfig } from './config.ts';
import { createDeliveryRecords, type Database } from './delivery-records.ts';
import { domainOfAddress } from './domain/message-id.ts';
import { classifySmtpError } from './domain/smtp-failure.ts';
import { createNotificationRequestedHandler } from './handlers/notification-requested.ts';
import { createEmailMetrics } from './metrics.ts';
import { migrateEmailDelivery } from './migrations.ts';
import { compileTemplates } from './templates/renderer.ts';

export const SERVICE_NAME = 'email-delivery';

/** Stops in order: HTTP, consumers (drain in-flight sends), SMTP pool, NATS, Postgres. */
export type EmailDeliveryService = DeliveryService;

export interface StartOptions {
  config: EmailDeliveryConfig;
  logger: Logger;
  registry?: Registry;
}

export const startEmailDeliveryService = async ({
  config,
  logger,
  registry = createMetricsRegistry(SERVICE_NAME),
}: StartOptions): Promise<EmailDeliveryService> => {
  // Templates compile before anything opens: a broken one stops the service at start-up.
  const templates = await compileTemplates({ brandName: config.EMAIL_BRAND_NAME });
  const metrics = createEmailMetrics(registry);
  if (config.EMAIL_NORMAL_CONCURRENCY >= config.SMTP_MAX_CONNECTIONS) {
    logger.warn(
      { normal: config.EMAIL_NORMAL_CONCURRENCY, connections: config.SMTP_MAX_CONNECTIONS },
      'EMAIL_NORMAL_CONCURRENCY >= SMTP_MAX_CONNECTIONS: HIGH messages may queue behind NORMAL ones in the pool',
    );
  }
  return startDeliveryService<Database>({
    name: SERVICE_NAME,
    channel: 'email',
    config,
    logger,
    registry,
    migrate: migrateEmailDelivery,
    // Per-priority concurrency: a NORMAL backlog can occupy at most EMAIL_NORMAL_CONCURRENCY pool connections, and
    // the customers' CRITICAL confirmations have their own lane, so a backlog of HIGH staff copies never holds them.
    consumers: {
      concurrency: {
        CRITICAL: config.EMAIL_CRITICAL_CONCURRENCY,
        HIGH: config.EMAIL_HIGH_CONCURRENCY,
        NORMAL: config.EMAIL_NORMAL_CONCURRENCY,
      },
      maxDeliver: config.EMAIL_MAX_DELIVER,
      backoffMs: config.EMAIL_BACKOFF_MS,
      ackWaitMs: config.EMAIL_ACK_WAIT_MS,
      // Leave part of the shutdown budget for NATS and Postgres; unfinished sends are redelivered after ack_wait.
      stopTimeoutMs: Math.floor(config.SHUTDOWN_TIMEOUT_MS * 0.7),
    },
    wire: async ({ db, nc, ns, publisher, onStop }) => {
      const blobs = await openObjectStore(nc, ns, config.DOCUMENTS_BUCKET, {
        replicas: config.STREAM_REPLICAS,
      });
      const smtp = createSmtpTransport({
        host: config.SMTP_HOST,
        port: config.SMTP_PORT,
        secure: config.SMTP_SECURE,
        requireTls: config.SMTP_REQUIRE_TLS,
        user: config.SMTP_USER,
        password: config.SMTP_PASSWORD,
        from: config.SMTP_FROM,
        tlsRejectUnauthorized: config.SMTP_TLS_REJECT_UNAUTHORIZED,
        tlsServername: config.SMTP_TLS_SERVERNAME,
        maxConnections: config.SMTP_MAX_CONNECTIONS,
        rateLimitPerSecond: config.SMTP_RATE_LIMIT_PER_SECOND,
        connectionTimeoutMs: config.SMTP_CONNECTION_TIMEOUT_MS,
        greetingTimeoutMs: config.SMTP_GREETING_TIMEOUT_MS,
        socketTimeoutMs: config.SMTP_SOCKET_TIMEOUT_MS,
      });
      onStop(() => smtp.close());
      const transport = withCircuitBreaker(smtp, {
        consecutiveFailures: config.SMTP_BREAKER_FAILURES,
        halfOpenAfterMs: config.SMTP_BREAKER_HALF_OPEN_MS,
        maxHalfOpenAfterMs: config.SMTP_BREAKER_MAX_HALF_OPEN_MS,
        isServerTrouble: (error) => classifySmtpError(error).serverTrouble,
        onStateChange: reportCircuitState(metrics.circuitState, logger, {
          provider: smtp.provider,
          label: 'SMTP',
          whenOpen: 'sends paused, messages delayed',
        }),
      });
      // A server down at start-up is not fatal (the breaker and JetStream retries cover it): say it in the logs.
      void smtp.verify().then(
        () => logger.info({ smtpHost: config.SMTP_HOST, smtpPort: config.SMTP_PORT }, 'SMTP server answers'),
        (error: unknown) =>
          logger.warn(
            {
              smtpHost: config.SMTP_HOST,
              smtpPort: config.SMTP_PORT,
              reason: classifySmtpError(error).reason,
            },
            'SMTP server not reachable yet',
          ),
      );

      const handler = createNotificationRequestedHandler({
        renderer: templates,
        attachments: createAttachmentSource({
          blobs,
          maxCacheBytes: config.EMAIL_ATTACHMENT_CACHE_BYTES,
          onFetch: (hit) => metrics.attachmentLookups.inc({ result: hit ? 'hit' : 'miss' }),
        }),
        transport,
        records: createDeliveryRecords(db),
        publisher,
        metrics,
        settings: {
          messageIdDomain: config.EMAIL_MESSAGE_ID_DOMAIN ?? domainOfAddress(config.SMTP_FROM)!,
          maxDeliver: config.EMAIL_MAX_DELIVER,
          backoffMs: config.EMAIL_BACKOFF_MS,
          sendTimeoutMs: config.SMTP_SEND_TIMEOUT_MS,
        },
      });
      return {
        handler,
        announce: { smtp: `${config.SMTP_HOST}:${config.SMTP_PORT}`, templates: templates.names },
      };
    },
  });
};
