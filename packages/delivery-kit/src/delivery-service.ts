import {
  type Channel,
  type EventOf,
  type Namespace,
  NotificationRequested,
  namespaced,
  notifySubject,
  PRIORITIES,
  type Priority,
} from '@express-quote/contracts';
import {
  connectNats,
  createPublisher,
  ensureContextStream,
  ensureDlqStream,
  type HandlerContext,
  type Publisher,
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
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/** The variables of `commonConfig` a delivery service runs on. */
export interface DeliveryServiceConfig {
  NATS_URL: string | string[];
  NATS_NAMESPACE: string;
  STREAM_REPLICAS: number;
  DATABASE_URL: string;
  DATABASE_POOL_MAX: number;
  HOST: string;
  PORT: number;
  SHUTDOWN_TIMEOUT_MS: number;
}

export type NotificationHandler = (
  command: EventOf<typeof NotificationRequested>,
  ctx: HandlerContext,
) => Promise<void>;

/** What the service's own wiring gets: everything is open and declared, and is closed by the kit. */
export interface DeliveryWiringContext<DB> {
  db: Kysely<DB>;
  nc: NatsConnection;
  ns: Namespace;
  jsm: JetStreamManager;
  publisher: Publisher;
  /** Closes something the wiring opened: after the consumers stopped, before NATS and Postgres. */
  onStop(close: () => Promise<void> | void): void;
}

export interface DeliveryWiring {
  /** Null: the channel is not configured; the service runs (health, metrics) but consumes nothing. */
  handler: NotificationHandler | null;
  /** Why the handler is null, logged once at start-up. */
  disabledReason?: string;
  /** Routes of the service (provider callbacks, webhooks). */
  register?: (app: HttpApp) => Promise<void>;
  /** Extra fields of the "listening" log line (providers, templates…; nothing secret). */
  announce?: Record<string, unknown>;
}

export interface DeliveryServiceOptions<DB> {
  /** The service's name (e.g. 'sms-delivery'): NATS connection name, durable consumer prefix, log lines. */
  name: string;
  channel: Channel;
  config: DeliveryServiceConfig;
  logger: Logger;
  registry: Registry;
  migrate: (db: Kysely<DB>) => Promise<void>;
  consumers: {
    /** Messages handled at once per priority lane; each lane has its own durable consumer. */
    concurrency: Record<Priority, number>;
    maxDeliver: number;
    backoffMs: readonly number[];
    ackWaitMs: number;
    /** Budget to drain in-flight sends at stop (default: SHUTDOWN_TIMEOUT_MS); unfinished ones are redelivered. */
    stopTimeoutMs?: number;
  };
  wire: (ctx: DeliveryWiringContext<DB>) => Promise<DeliveryWiring>;
}

export interface DeliveryService {
  readonly app: HttpApp;
  /** Ordered: HTTP, pollers, consumers (drain in-flight sends), what the wiring opened, NATS, Postgres. */
  stop(): Promise<void>;
}

/** Durable consumer names of a delivery service, one per priority. */
export const deliveryDurables = (name: string): Record<Priority, string> => ({
  CRITICAL: `${name}-critical`,
  HIGH: `${name}-high`,
  NORMAL: `${name}-normal`,
});

/**
 * The part every delivery service shares: Postgres (migrated), NATS with the notify / notifications / DLQ streams
 * (declared the same way by every service: any start order works), one durable consumer per priority (nats 2.9:
 * one filter subject each, so a HIGH or NORMAL backlog never delays the customers' CRITICAL confirmations, nor a
 * NORMAL backlog HIGH) with its own concurrency, started from the most urgent (CRITICAL pulls first at start-up), the queue and DLQ
 * gauges, the HTTP app with readiness, and an ordered stop. What is opened is closed in reverse order, also when
 * start-up fails half-way.
 */
export const startDeliveryService = async <DB>(
  options: DeliveryServiceOptions<DB>,
): Promise<DeliveryService> => {
  const { name, channel, config, logger, registry } = options;
  const ns = namespaced(config.NATS_NAMESPACE);
  const closers: Array<() => Promise<void> | void> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        logger.error({ err: error }, `${name}: error while stopping`);
      }
    }
  };

  try {
    const db = new Kysely<DB>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_MAX }),
      }),
    });
    closers.push(() => db.destroy());
    await options.migrate(db);

    const nc = await connectNats({ servers: config.NATS_URL, name, logger });
    closers.push(async () => {
      if (!nc.isClosed()) await nc.drain();
    });
    const jsm = await jetstreamManager(nc);
    const streamOptions = { replicas: config.STREAM_REPLICAS };
    await ensureContextStream(jsm, ns, 'notify', streamOptions);
    await ensureContextStream(jsm, ns, 'notifications', streamOptions);
    await ensureDlqStream(jsm, ns, ['notify'], streamOptions);

    const wiring = await options.wire({
      db,
      nc,
      ns,
      jsm,
      publisher: createPublisher(nc, ns),
      onStop: (close) => closers.push(close),
    });

    const durables = deliveryDurables(name);
    const consumers: RunningConsumer[] = [];
    const stopTimeoutMs = options.consumers.stopTimeoutMs ?? config.SHUTDOWN_TIMEOUT_MS;
    closers.push(async () => {
      await Promise.all(consumers.map((c) => c.stop({ timeoutMs: stopTimeoutMs })));
    });
    const { handler } = wiring;
    if (!handler) logger.warn({ consumes: 'nothing' }, wiring.disabledReason ?? `${name}: disabled`);
    for (const priority of handler ? PRIORITIES : []) {
      consumers.push(
        await runConsumer({
          nc,
          ns,
          logger,
          registry,
          name: durables[priority],
          context: 'notify',
          filterSubject: notifySubject(channel, priority),
          events: [NotificationRequested],
          concurrency: options.consumers.concurrency[priority],
          maxDeliver: options.consumers.maxDeliver,
          backoffMs: options.consumers.backoffMs,
          ackWaitMs: options.consumers.ackWaitMs,
          dlq: streamOptions,
          handler: handler!,
        }),
      );
    }

    // The seed's queue gauges (waiting / active / redelivered) and the DLQ size, polled from JetStream.
    const pollers = [
      registerConsumerLagMetrics(
        registry,
        jsm,
        Object.values(durables).map((durable) => ({ stream: ns.stream('notify'), durable })),
      ),
      registerDlqSizeMetric(registry, jsm, ns.stream('dlq')),
    ];
    closers.push(() => {
      for (const poller of pollers) poller.stop();
    });

    const app = createHttpApp({
      logger,
      registry,
      readiness: { nats: natsReadiness(nc), postgres: pgReadiness(db) },
    });
    closers.push(() => app.close());
    await wiring.register?.(app);
    await app.listen({ port: config.PORT, host: config.HOST });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    logger.info(
      {
        port,
        consumes: handler ? PRIORITIES.map((p) => ns.subject(notifySubject(channel, p))) : [],
        publishes: ns.contextFilter('notifications'),
        ...wiring.announce,
      },
      `${name} listening on ${config.HOST}:${port}`,
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
