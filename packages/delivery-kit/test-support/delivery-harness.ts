import { createHash } from 'node:crypto';
import {
  type Channel,
  createEvent,
  type DataOf,
  type Envelope,
  NotificationRequested,
  newEventId,
  notifySubject,
  type StoredDocument,
} from '@express-quote/contracts';
import {
  type BlobStore,
  createPublisher,
  ensureContextStream,
  listDeadLetters,
  openObjectStore,
} from '@express-quote/messaging';
import {
  createTestDatabase,
  createTestNats,
  freePort,
  type TestDatabase,
  type TestNats,
  waitFor,
} from '@express-quote/testing';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';

export type Command = DataOf<typeof NotificationRequested>;

/** A status event as read back from the NOTIFICATIONS stream. */
export interface StatusEvent extends Envelope {
  data: Record<string, unknown> & {
    notificationId: string;
    attempt?: number;
    reason?: string;
    retriable?: boolean;
    providerMessageId?: string;
    provider?: string | null;
  };
}

export interface DeliveryHarness<S extends { stop(): Promise<void> }> {
  readonly nats: TestNats;
  readonly database: TestDatabase;
  /** The documents bucket of this namespace (what documents writes and the services attach). */
  readonly blobs: BlobStore;
  /** Every status event, in stream order. */
  readonly statuses: StatusEvent[];
  /** A free port for the service under test, and its URL (provider callbacks and webhooks point there). */
  readonly port: number;
  readonly baseUrl: string;
  /** The variables every delivery service needs, pointing at this harness's NATS, database and port. */
  readonly baseEnv: Record<string, string>;
  /** Registers a started service: cleanup stops it first. */
  started(service: S): S;
  /** Registers what else the test opened (a provider emulator): closed after the services stopped. */
  onCleanup(close: () => Promise<void> | void): void;
  /** Publishes on notify.<channel>.<priority>; `envelopeId` differs from the notification id to simulate a republish after the duplicate window. */
  publish(command: Command, options?: { envelopeId?: string }): Promise<Envelope>;
  statusesOf(notificationId: string, type?: string): StatusEvent[];
  waitForStatus(notificationId: string, type: string, timeoutMs?: number): Promise<StatusEvent>;
  storeDocument(filename: string, bytes: Buffer, kind?: StoredDocument['kind']): Promise<StoredDocument>;
  deadLetters(): ReturnType<typeof listDeadLetters>;
  cleanup(): Promise<void>;
}

/**
 * What every delivery service's tests need: their own namespace (notify and notifications streams, documents
 * bucket), their own database, a reader of every status event, and a publisher of commands as the planner sends
 * them. The service and its provider emulators are the caller's.
 */
export const createDeliveryHarness = async <S extends { stop(): Promise<void> }>(
  channel: Channel,
): Promise<DeliveryHarness<S>> => {
  const [nats, database, port] = await Promise.all([createTestNats(), createTestDatabase(), freePort()]);
  await ensureContextStream(nats.jsm, nats.ns, 'notify');
  await ensureContextStream(nats.jsm, nats.ns, 'notifications');
  const blobs = await openObjectStore(nats.nc, nats.ns, 'documents');
  const publisher = createPublisher(nats.nc, nats.ns);

  // An ordered consumer of the NOTIFICATIONS stream from its start.
  const statuses: StatusEvent[] = [];
  const consumer = await jetstream(nats.nc).consumers.get(nats.ns.stream('notifications'), {
    deliver_policy: DeliverPolicy.All,
  });
  const messages = await consumer.consume();
  void (async () => {
    for await (const m of messages) statuses.push(m.json<StatusEvent>());
  })();

  const services: S[] = [];
  const closers: Array<() => Promise<void> | void> = [];
  const statusesOf = (notificationId: string, type?: string) =>
    statuses.filter((s) => s.data.notificationId === notificationId && (!type || s.type === type));

  return {
    nats,
    database,
    blobs,
    statuses,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    baseEnv: {
      NATS_URL: nats.url,
      NATS_NAMESPACE: nats.ns.prefix,
      DATABASE_URL: database.url,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    },
    started(service) {
      services.push(service);
      return service;
    },
    onCleanup(close) {
      closers.push(close);
    },
    async publish(command, options = {}) {
      const event = createEvent(NotificationRequested, command, {
        cause: { id: command.trigger.eventId, correlationId: `evt_test_${command.notificationId}` },
        id: options.envelopeId ?? command.notificationId,
      });
      await publisher.publish(event, { subject: notifySubject(channel, command.priority) });
      return event;
    },
    statusesOf,
    waitForStatus: (notificationId, type, timeoutMs = 15_000) =>
      waitFor(`${type} for ${notificationId}`, () => statusesOf(notificationId, type)[0], { timeoutMs }),
    async storeDocument(filename, bytes, kind = 'BOOKING_CONFIRMATION') {
      const key = `test/${newEventId()}/${filename}`;
      await blobs.put(key, bytes, { contentType: 'application/pdf' });
      return {
        key,
        kind,
        filename,
        contentType: 'application/pdf',
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      };
    },
    deadLetters: () => listDeadLetters(nats.jsm, nats.ns, { stream: 'notify', limit: 1000 }),
    async cleanup() {
      for (const service of services) await service.stop();
      await messages.close();
      for (const close of closers) await close();
      await nats.cleanup();
      await database.drop();
    },
  };
};

let phoneCounter = 0;
/** A distinct French mobile number per call (so emulator faults per recipient do not leak between tests). */
export const uniqueMobile = (): string =>
  `+336${String(10_000_000 + process.pid * 100 + ++phoneCounter).slice(-8)}`;
