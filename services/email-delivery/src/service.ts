import { NotificationRequested, namespaced, notifySubject } from '@express-quote/contracts';
import { reportCircuitState } from '@express-quote/delivery-kit';
import {
  connectNats,
  consumerLag,
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
} from '@express-quote/service-kit';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
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

export interface EmailDeliveryService {
  readonly app: HttpApp;
  /** Ordered: HTTP, consumers (drain in-flight sends), SMTP pool, NATS, Postgres. */
  stop(): Promise<void>;
}

export interface StartOptions {
  config: EmailDeliveryConfig;
  logger: Logger;
  registry?: Registry;
}

const DURABLES = { HIGH: 'email-delivery-high', NORMAL: 'email-delivery-normal' } as const;

export const startEmailDeliveryService = async ({
  config,
  logger,
  registry = createMetricsRegistry(SERVICE_NAME),
}: StartOptions): Promise<EmailDeliveryService> => {
  const ns = namespaced(config.NATS_NAMESPACE);
  // What is opened is closed in reverse order, also when start-up fails half-way.
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        logger.error({ err: error }, 'email-delivery: error while stopping');
      }
    }
  };

  try {
    const templates = await compileTemplates({ brandName: config.EMAIL_BRAND_NAME });

    const db = new Kysely<Database>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_MAX }),
      }),
    });
    closers.push(() => db.destroy());
    await migrateEmailDelivery(db);

    const nc: NatsConnection = await connectNats({ servers: config.NATS_URL, name: SERVICE_NAME, logger });
    closers.push(async () => {
      if (!nc.isClosed()) await nc.drain();
    });
    const jsm = await jetstreamManager(nc);
    const streamOptions = { replicas: config.STREAM_REPLICAS };
    // Every stream this service reads or writes, declared the same way by every service: any start order works.
    await ensureContextStream(jsm, ns, 'notify', streamOptions);
    await ensureContextStream(jsm, ns, 'notifications', streamOptions);
    await ensureDlqStream(jsm, ns, ['notify'], streamOptions);
    const blobs = await openObjectStore(nc, ns, config.DOCUMENTS_BUCKET, {
      replicas: config.STREAM_REPLICAS,
    });

    const metrics = createEmailMetrics(registry);
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
    closers.push(async () => smtp.close());
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
          { smtpHost: config.SMTP_HOST, smtpPort: config.SMTP_PORT, reason: classifySmtpError(error).reason },
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
      publisher: createPublisher(nc, ns),
      metrics,
      settings: {
        messageIdDomain: config.EMAIL_MESSAGE_ID_DOMAIN ?? domainOfAddress(config.SMTP_FROM)!,
        maxDeliver: config.EMAIL_MAX_DELIVER,
        backoffMs: config.EMAIL_BACKOFF_MS,
        sendTimeoutMs: config.SMTP_SEND_TIMEOUT_MS,
      },
    });

    // One durable consumer per priority (nats 2.9: one filter subject each) with its own concurrency: a NORMAL
    // backlog can occupy at most EMAIL_NORMAL_CONCURRENCY pool connections, HIGH keeps the rest.
    const consumers: RunningConsumer[] = [];
    closers.push(async () => {
      // Leave part of the shutdown budget for NATS and Postgres; unfinished sends are redelivered after ack_wait.
      const timeoutMs = Math.floor(config.SHUTDOWN_TIMEOUT_MS * 0.7);
      await Promise.all(consumers.map((c) => c.stop({ timeoutMs })));
    });
    for (const priority of ['HIGH', 'NORMAL'] as const) {
      consumers.push(
        await runConsumer({
          nc,
          ns,
          logger,
          registry,
          name: DURABLES[priority],
          context: 'notify',
          filterSubject: notifySubject('email', priority),
          events: [NotificationRequested],
          concurrency: priority === 'HIGH' ? config.EMAIL_HIGH_CONCURRENCY : config.EMAIL_NORMAL_CONCURRENCY,
          maxDeliver: config.EMAIL_MAX_DELIVER,
          backoffMs: config.EMAIL_BACKOFF_MS,
          ackWaitMs: config.EMAIL_ACK_WAIT_MS,
          dlq: streamOptions,
          handler,
        }),
      );
    }
    if (config.EMAIL_NORMAL_CONCURRENCY >= config.SMTP_MAX_CONNECTIONS) {
      logger.warn(
        { normal: config.EMAIL_NORMAL_CONCURRENCY, connections: config.SMTP_MAX_CONNECTIONS },
        'EMAIL_NORMAL_CONCURRENCY >= SMTP_MAX_CONNECTIONS: HIGH messages may queue behind NORMAL ones in the pool',
      );
    }

    const lagGauge = (
      name: string,
      help: string,
      pick: (lag: { pending: number; ackPending: number }) => number,
    ) =>
      new Gauge({
        name,
        help,
        labelNames: ['consumer'],
        registers: [registry],
        async collect() {
          for (const durable of Object.values(DURABLES)) {
            try {
              this.set({ consumer: durable }, pick(await consumerLag(jsm, ns.stream('notify'), durable)));
            } catch {
              // NATS unreachable: keep the last value; /readyz reports the outage.
            }
          }
        },
      });
    lagGauge('eq_consumer_pending', 'Messages not yet delivered to the consumer', (l) => l.pending);
    lagGauge('eq_consumer_ack_pending', 'Messages delivered and not yet acknowledged', (l) => l.ackPending);

    const app = createHttpApp({
      logger,
      registry,
      readiness: { nats: natsReadiness(nc), postgres: pgReadiness(db) },
    });
    closers.push(() => app.close());
    await app.listen({ port: config.PORT, host: config.HOST });
    const address = app.server.address();
    logger.info(
      {
        port: typeof address === 'object' && address ? address.port : config.PORT,
        consumes: [ns.subject(notifySubject('email', 'HIGH')), ns.subject(notifySubject('email', 'NORMAL'))],
        publishes: ns.contextFilter('notifications'),
        smtp: `${config.SMTP_HOST}:${config.SMTP_PORT}`,
        templates: templates.names,
      },
      `email-delivery listening on ${config.HOST}:${typeof address === 'object' && address ? address.port : config.PORT}`,
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
