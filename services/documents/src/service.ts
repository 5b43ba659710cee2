import { BookingConfirmed, type Context, namespaced, ProfessionalProposed } from '@express-quote/contracts';
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
  type HttpApp,
  type Logger,
  natsReadiness,
  pgReadiness,
  registerConsumerLagMetrics,
  registerDlqSizeMetric,
} from '@express-quote/service-kit';
import { jetstreamManager } from '@nats-io/jetstream';
import { Registry } from 'prom-client';
import { companyIdentity } from './company-identity.ts';
import type { DocumentsConfig } from './config.ts';
import { createDatabase } from './database.ts';
import { handleBookingConfirmed } from './handlers/booking-confirmed.ts';
import { handleProfessionalProposed } from './handlers/professional-proposed.ts';
import { envelopeOnly } from './handlers/source-event.ts';
import { documentRoutes } from './http/documents.ts';
import { createDocumentsMetrics } from './metrics.ts';
import { DOCUMENTS_SCHEMA, migrateDocuments } from './migrations.ts';
import { createRenderPool } from './rendering/render-pool.ts';
import { createDocumentStore } from './storage/document-store.ts';

export interface StartDocumentsServiceOptions {
  config: DocumentsConfig;
  logger: Logger;
  registry?: Registry;
  /** Clock for link expiry and event times (tests pass a fixed one). */
  now?: () => Date;
}

export interface DocumentsService {
  app: HttpApp;
  /** Where the HTTP server listens, e.g. `http://127.0.0.1:3003`. */
  url: string;
  stop(): Promise<void>;
}

/** Streams this service reads from or writes into: all declared here (idempotent) so start order does not matter. */
const CONSUMED: readonly Context[] = ['bookings', 'attribution'];
const PUBLISHED: readonly Context[] = ['documents'];

export const BUCKET = 'documents';

export const startDocumentsService = async ({
  config,
  logger,
  registry = new Registry(),
  now = () => new Date(),
}: StartDocumentsServiceOptions): Promise<DocumentsService> => {
  const ns = namespaced(config.NATS_NAMESPACE);
  // Company identity (and logo) first: a service that cannot print a legal invoice must not start.
  const company = await companyIdentity(config);

  const db = createDatabase({ url: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX });
  const closers: Array<() => Promise<void>> = [() => db.destroy()];
  const closeAll = async () => {
    for (const close of [...closers].reverse()) await close().catch(() => {});
  };
  try {
    await migrateDocuments(db, DOCUMENTS_SCHEMA);

    const nc = await connectNats({ servers: config.NATS_URL, name: 'documents', logger });
    closers.push(() => nc.drain());
    const jsm = await jetstreamManager(nc);
    const streamOptions = { replicas: config.STREAM_REPLICAS };
    for (const context of [...CONSUMED, ...PUBLISHED])
      await ensureContextStream(jsm, ns, context, streamOptions);
    await ensureDlqStream(jsm, ns, CONSUMED, streamOptions);
    const blobs = await openObjectStore(nc, ns, BUCKET, {
      replicas: config.STREAM_REPLICAS,
      maxBytes: config.DOCUMENTS_BUCKET_MAX_BYTES,
      description: 'PDF documents (bookings, invoices, mission proposals)',
    });
    const store = createDocumentStore(blobs);

    const renderer = createRenderPool({
      company,
      ...(config.RENDER_THREADS ? { threads: config.RENDER_THREADS } : {}),
    });
    closers.push(() => renderer.close());
    const metrics = createDocumentsMetrics(registry, () => renderer.queued);
    const publisher = createPublisher(nc, ns);
    const deps = { db, renderer, store, publisher, metrics, now };

    const consumerOptions = {
      nc,
      ns,
      logger,
      registry,
      concurrency: config.CONSUMER_CONCURRENCY,
      maxDeliver: config.CONSUMER_MAX_DELIVER,
      backoffMs: config.CONSUMER_BACKOFF_MS,
      ackWaitMs: config.CONSUMER_ACK_WAIT_MS,
      dlq: false as const,
    };
    const consumers: RunningConsumer[] = [];
    closers.push(async () => {
      await Promise.all(consumers.map((c) => c.stop()));
    });
    const bookingConfirmed = { name: 'documents-booking-confirmed', context: 'bookings' } as const;
    const professionalProposed = { name: 'documents-professional-proposed', context: 'attribution' } as const;
    consumers.push(
      await runConsumer({
        ...consumerOptions,
        ...bookingConfirmed,
        filterSubject: BookingConfirmed.subject,
        events: [envelopeOnly(BookingConfirmed)],
        handler: (event, ctx) => handleBookingConfirmed(deps, event, ctx.logger),
      }),
      await runConsumer({
        ...consumerOptions,
        ...professionalProposed,
        filterSubject: ProfessionalProposed.subject,
        events: [envelopeOnly(ProfessionalProposed)],
        handler: (event, ctx) => handleProfessionalProposed(deps, event, ctx.logger),
      }),
    );
    // The queue gauges of both durables and the DLQ size; stopped before the consumers drain and NATS closes.
    const pollers = [
      registerConsumerLagMetrics(
        registry,
        jsm,
        [bookingConfirmed, professionalProposed].map((c) => ({
          stream: ns.stream(c.context),
          durable: c.name,
        })),
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
    await app.register(documentRoutes, { store, secret: config.DOCUMENTS_URL_SECRET, now });
    closers.push(() => app.close());
    await app.listen({ port: config.PORT, host: config.HOST });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;
    logger.info(
      {
        port,
        consumes: [BookingConfirmed.type, ProfessionalProposed.type],
        publishesTo: ns.stream('documents'),
        bucket: blobs.bucket,
        renderThreads: renderer.threads,
      },
      `documents listening on port ${port}: consumes ${BookingConfirmed.type} and ${ProfessionalProposed.type}, ` +
        `renders with ${renderer.threads} threads into bucket ${blobs.bucket}, publishes to ${ns.stream('documents')}`,
    );

    let stopped: Promise<void> | undefined;
    return {
      app,
      url,
      // HTTP first (no new downloads), then the queue gauges stop polling, then consumers drain (in-flight renders finish and ack), then the render
      // pool, NATS and Postgres: the reverse of the start order.
      stop: () => {
        stopped ??= (async () => {
          // Every step runs even when one fails (a failed drain must not leave the render pool or Postgres open);
          // the first error is rethrown so the process reports a failed stop.
          let failure: unknown;
          for (const close of [...closers].reverse()) {
            try {
              await close();
            } catch (error) {
              failure ??= error;
              logger.error(
                { err: (error as Error).message },
                'a shutdown step failed; continuing with the others',
              );
            }
          }
          if (failure) throw failure;
        })();
        return stopped;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
};
