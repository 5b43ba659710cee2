import { createHash } from 'node:crypto';
import {
  createEvent,
  type DataOf,
  type Envelope,
  NotificationRequested,
  newEventId,
  notifySubject,
  type Priority,
  type StoredDocument,
} from '@express-quote/contracts';
import {
  type BlobStore,
  createPublisher,
  ensureContextStream,
  listDeadLetters,
  openObjectStore,
} from '@express-quote/messaging';
import { loadConfig } from '@express-quote/service-kit';
import { type MailSink, startMailSink } from '@express-quote/sinks';
import {
  createTestDatabase,
  createTestNats,
  type TestDatabase,
  type TestNats,
  testLogger,
  waitFor,
} from '@express-quote/testing';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { Registry } from 'prom-client';
import { EmailDeliveryConfigSchema } from '../../src/config.ts';
import { type EmailDeliveryService, startEmailDeliveryService } from '../../src/service.ts';
import { TEMPLATE_SAMPLES } from '../fixtures/template-data.ts';

export type Command = DataOf<typeof NotificationRequested>;

export interface StatusEvent extends Envelope {
  data: {
    notificationId: string;
    attempt: number;
    reason?: string;
    retriable?: boolean;
    providerMessageId?: string;
    provider?: string | null;
  };
}

export const MESSAGE_ID_DOMAIN = 'express-quote.test';

/** Environment of the service under test: fast retries, the sink as SMTP server, no rate limit unless asked. */
export const serviceEnv = (
  nats: TestNats,
  database: TestDatabase,
  sink: MailSink,
  overrides: Record<string, string> = {},
): Record<string, string> => ({
  NATS_URL: nats.url,
  NATS_NAMESPACE: nats.ns.prefix,
  DATABASE_URL: database.url,
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  SMTP_HOST: sink.host,
  SMTP_PORT: String(sink.smtpPort),
  SMTP_FROM: `Express Quote <noreply@${MESSAGE_ID_DOMAIN}>`,
  SMTP_RATE_LIMIT_PER_SECOND: '0',
  SMTP_SEND_TIMEOUT_MS: '10s',
  EMAIL_ACK_WAIT_MS: '15s',
  EMAIL_BACKOFF_MS: '100ms,200ms,400ms',
  SMTP_BREAKER_HALF_OPEN_MS: '1s',
  ...overrides,
});

let recipientCounter = 0;
export const uniqueAddress = (label = 'client'): string =>
  `${label}.${process.pid}.${Date.now().toString(36)}.${++recipientCounter}@example.fr`;

/** A NotificationRequested as the planner publishes it (booking-confirmation by default). */
export const notificationCommand = (overrides: Partial<Command> = {}): Command => {
  const sample = TEMPLATE_SAMPLES['booking-confirmation'];
  return {
    notificationId: newEventId(),
    channel: 'email',
    priority: 'HIGH',
    template: 'booking-confirmation',
    recipient: { ...sample.recipient, email: uniqueAddress() },
    data: { ...sample.data },
    attachments: [],
    documentsMissing: false,
    bookingId: '0190f5a4-7c1e-7b3a-9f10-bbbbbbbbbbbb',
    trigger: { eventId: newEventId(), type: 'booking.confirmed' },
    reminderId: null,
    ...overrides,
  };
};

export interface Harness {
  readonly nats: TestNats;
  readonly database: TestDatabase;
  readonly sink: MailSink;
  readonly blobs: BlobStore;
  readonly statuses: StatusEvent[];
  env(overrides?: Record<string, string>): Record<string, string>;
  start(overrides?: Record<string, string>, registry?: Registry): Promise<EmailDeliveryService>;
  /** Publishes the command on notify.email.<priority>; `envelopeId` differs from the notification id to simulate a republish after the duplicate window. */
  publish(command: Command, options?: { envelopeId?: string }): Promise<Envelope>;
  statusesOf(notificationId: string, type?: string): StatusEvent[];
  waitForStatus(notificationId: string, type: string, timeoutMs?: number): Promise<StatusEvent>;
  storeDocument(kind: StoredDocument['kind'], filename: string, bytes: Buffer): Promise<StoredDocument>;
  deadLetters(): ReturnType<typeof listDeadLetters>;
  cleanup(): Promise<void>;
}

/** Own namespace, own database, own mail sink; the service started in-process against them. */
export const createHarness = async (
  sinkOptions: Parameters<typeof startMailSink>[0] = {},
): Promise<Harness> => {
  const nats = await createTestNats();
  const database = await createTestDatabase();
  const sink = await startMailSink({ httpPort: null, ...sinkOptions });
  await ensureContextStream(nats.jsm, nats.ns, 'notify');
  await ensureContextStream(nats.jsm, nats.ns, 'notifications');
  const blobs = await openObjectStore(nats.nc, nats.ns, 'documents');
  const publisher = createPublisher(nats.nc, nats.ns);

  // Every status event, in stream order, through an ordered consumer of the NOTIFICATIONS stream.
  const statuses: StatusEvent[] = [];
  const consumer = await jetstream(nats.nc).consumers.get(nats.ns.stream('notifications'), {
    deliver_policy: DeliverPolicy.All,
  });
  const messages = await consumer.consume();
  void (async () => {
    for await (const m of messages) statuses.push(m.json<StatusEvent>());
  })();

  const services: EmailDeliveryService[] = [];
  const statusesOf = (notificationId: string, type?: string) =>
    statuses.filter((s) => s.data.notificationId === notificationId && (!type || s.type === type));

  return {
    nats,
    database,
    sink,
    blobs,
    statuses,
    env: (overrides = {}) => serviceEnv(nats, database, sink, overrides),
    async start(overrides = {}, registry = new Registry()) {
      const config = loadConfig(EmailDeliveryConfigSchema, serviceEnv(nats, database, sink, overrides));
      const service = await startEmailDeliveryService({
        config,
        logger: testLogger('email-delivery'),
        registry,
      });
      services.push(service);
      return service;
    },
    async publish(command, options = {}) {
      const event = createEvent(NotificationRequested, command, {
        cause: { id: command.trigger.eventId, correlationId: `evt_test_${command.notificationId}` },
        id: options.envelopeId ?? command.notificationId,
      });
      await publisher.publish(event, { subject: notifySubject('email', command.priority as Priority) });
      return event;
    },
    statusesOf,
    waitForStatus: (notificationId, type, timeoutMs = 15_000) =>
      waitFor(`${type} for ${notificationId}`, () => statusesOf(notificationId, type)[0], { timeoutMs }),
    async storeDocument(kind, filename, bytes) {
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
      await sink.close();
      await nats.cleanup();
      await database.drop();
    },
  };
};

/** A small but real PDF (valid header and trailer), distinct per label. */
export const samplePdf = (label: string, size = 20_000): Buffer => {
  const filler = '0123456789abcdef'
    .repeat(Math.ceil(size / 16))
    .slice(0, Math.max(0, size - label.length - 20));
  return Buffer.from(`%PDF-1.7\n% ${label}\n${filler}\n%%EOF\n`);
};

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
