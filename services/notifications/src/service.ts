import { namespaced } from '@express-quote/contracts';
import { connectNats, createPublisher, ensureContextStream, ensureDlqStream } from '@express-quote/messaging';
import {
  createHttpApp,
  type HttpApp,
  natsReadiness,
  pgReadiness,
  registerConsumerLagMetrics,
  registerDlqSizeMetric,
} from '@express-quote/service-kit';
import { jetstreamManager } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { documentLinkSigner } from './adapters/document-links.ts';
import type { NotificationsConfig } from './config.ts';
import { CONSUMED_CONTEXTS, type StartedConsumer, startConsumers } from './consumers.ts';
import { type NotificationsDb, openDatabase } from './database.ts';
import type { PlannerDeps } from './handlers/planner-deps.ts';
import { notificationRoutes } from './http/notifications.ts';
import { preferenceRoutes } from './http/preferences.ts';
import { reminderRoutes } from './http/reminders.ts';
import { staffRoutes } from './http/staff.ts';
import { plannerMetrics, reminderMetrics } from './metrics.ts';
import { migrateNotifications } from './migrations.ts';
import { type ReleasePoller, startReleasePoller } from './outbox/release-poller.ts';
import { type ReminderScheduler, startReminderScheduler } from './reminders/reminder-scheduler.ts';
import { applyStaffFixture, readStaffFixture } from './staff/staff-fixture.ts';

export interface NotificationsService {
  app: HttpApp;
  db: NotificationsDb;
  /** The deadline poller, exposed so tests can run a pass without waiting for the interval. */
  poller: ReleasePoller;
  /** The reminder scheduler, exposed so tests can run a pass at a chosen (test clock) time. */
  scheduler: ReminderScheduler;
  stop(): Promise<void>;
}

export interface StartOptions {
  config: NotificationsConfig;
  logger: Logger;
  registry?: Registry;
  /** Clock for planning, release and reminders (tests); the wall clock by default. */
  now?: () => Date;
  /** Listen on HOST:PORT (default true); tests use app.inject() instead. */
  listen?: boolean;
}

/** Streams this service publishes into (NOTIFY) or consumes from: declared here so services start in any order. */
const DECLARED_CONTEXTS = CONSUMED_CONTEXTS;

export const startNotificationsService = async ({
  config,
  logger,
  registry = new Registry(),
  now = () => new Date(),
  listen = true,
}: StartOptions): Promise<NotificationsService> => {
  const ns = namespaced(config.NATS_NAMESPACE);
  const { root, db } = openDatabase(config.DATABASE_URL, config.DATABASE_POOL_MAX);
  const closers: Array<() => Promise<void>> = [() => root.destroy()];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        logger.error({ err: (error as Error).message }, 'error while stopping');
      }
    }
  };

  try {
    await migrateNotifications(root);
    const fixture = await readStaffFixture(config.STAFF_FIXTURE_PATH);
    const loaded = await applyStaffFixture(db, fixture, now());
    logger.info(
      { fileVersion: loaded.fileVersion, previousVersion: loaded.previousVersion, applied: loaded.applied },
      loaded.applied
        ? 'staff fixture loaded'
        : 'staff fixture not newer than the loaded one: kept the directory',
    );

    const nc = await connectNats({ servers: config.NATS_URL, name: 'notifications', logger });
    closers.splice(1, 0, () => nc.drain());
    const jsm = await jetstreamManager(nc);
    const streamOptions = { replicas: config.STREAM_REPLICAS };
    for (const context of DECLARED_CONTEXTS) await ensureContextStream(jsm, ns, context, streamOptions);
    await ensureDlqStream(jsm, ns, [...CONSUMED_CONTEXTS], streamOptions);

    const planner: PlannerDeps = {
      db,
      publisher: createPublisher(nc, ns),
      sign: documentLinkSigner({
        baseUrl: config.DOCUMENTS_PUBLIC_URL,
        secret: config.DOCUMENTS_URL_SECRET,
        ttlMs: config.DOCUMENT_LINK_TTL_MS,
      }),
      now,
      logger,
      metrics: plannerMetrics(registry, db),
      documentsWaitMs: config.DOCUMENTS_WAIT_MS,
      supportUrl: config.SUPPORT_URL,
      customerAssignedEmail: config.CUSTOMER_ASSIGNED_EMAIL_ENABLED,
    };

    const consumers: StartedConsumer[] = await startConsumers(
      {
        nc,
        ns,
        logger,
        registry,
        concurrency: config.CONSUMER_CONCURRENCY,
        maxDeliver: config.CONSUMER_MAX_DELIVER,
        backoffMs: config.CONSUMER_BACKOFF_MS,
        ackWaitMs: config.CONSUMER_ACK_WAIT_MS,
      },
      planner,
    );
    closers.push(async () => {
      await Promise.all(consumers.map((c) => c.stop({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS / 2 })));
    });
    // The queue gauges of every durable and the DLQ size; stopped before the consumers drain and NATS closes.
    const pollers = [
      registerConsumerLagMetrics(
        registry,
        jsm,
        consumers.map((c) => ({ stream: c.stream, durable: c.name })),
      ),
      registerDlqSizeMetric(registry, jsm, ns.stream('dlq')),
    ];
    closers.push(async () => {
      for (const poller of pollers) poller.stop();
    });

    const poller = startReleasePoller(planner, {
      intervalMs: config.RELEASE_POLL_INTERVAL_MS,
      logger: logger.child({ component: 'release-poller' }),
    });
    closers.push(() => poller.stop());

    const schedulerLogger = logger.child({ component: 'reminder-scheduler' });
    const scheduler = startReminderScheduler(
      {
        db,
        publisher: planner.publisher,
        now,
        logger: schedulerLogger,
        metrics: reminderMetrics(registry, db),
      },
      { intervalMs: config.REMINDER_POLL_INTERVAL_MS, logger: schedulerLogger },
    );
    closers.push(() => scheduler.stop());

    const app = createHttpApp({
      logger,
      registry,
      readiness: { nats: natsReadiness(nc), postgres: pgReadiness(root) },
    });
    await app.register(notificationRoutes(db));
    await app.register(reminderRoutes(db));
    await app.register(staffRoutes({ db, adminToken: config.ADMIN_TOKEN, now }));
    await app.register(preferenceRoutes({ db, adminToken: config.ADMIN_TOKEN, now }));
    if (listen) await app.listen({ host: config.HOST, port: config.PORT });
    else await app.ready();
    closers.push(() => app.close());

    logger.info(
      {
        port: config.PORT,
        namespace: ns.prefix || '(production)',
        consumes: consumers.map((c) => c.name),
        publishes: 'notify.{email,sms,whatsapp}.{high,normal}',
        documentsWaitMs: config.DOCUMENTS_WAIT_MS,
        reminderPollIntervalMs: config.REMINDER_POLL_INTERVAL_MS,
      },
      `notifications listening on ${config.HOST}:${config.PORT}`,
    );

    let stopping: Promise<void> | undefined;
    return {
      app,
      db,
      poller,
      scheduler,
      // Reverse order of start: HTTP, reminder scheduler, release poller, queue gauges, consumers (drain), NATS
      // drain, Postgres.
      stop: () => {
        stopping ??= closeAll();
        return stopping;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
};
