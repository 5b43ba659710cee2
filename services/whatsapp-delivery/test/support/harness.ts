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
  openObjectStore,
} from '@express-quote/messaging';
import { loadConfig } from '@express-quote/service-kit';
import { startWhatsAppEmulator, type WhatsAppEmulator } from '@express-quote/sinks';
import {
  createTestDatabase,
  createTestNats,
  freePort,
  type TestDatabase,
  type TestNats,
  testLogger,
  waitFor,
} from '@express-quote/testing';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { Registry } from 'prom-client';
import { WhatsAppDeliveryConfigSchema } from '../../src/config.ts';
import { startWhatsAppDeliveryService, type WhatsAppDeliveryService } from '../../src/service.ts';

export type Command = DataOf<typeof NotificationRequested>;
export interface StatusEvent extends Envelope {
  data: Record<string, unknown> & { notificationId: string };
}

export const VERIFY_TOKEN = 'verify-token-for-tests-0123456789';

let counter = 0;
export const uniqueMobile = (): string =>
  `+336${String(20_000_000 + process.pid * 100 + ++counter).slice(-8)}`;

export const whatsappCommand = (overrides: Partial<Command> = {}): Command => ({
  notificationId: newEventId(),
  channel: 'whatsapp',
  priority: 'HIGH',
  template: 'booking-confirmation-whatsapp',
  recipient: { kind: 'customer', id: null, name: 'Zoë Martin', email: null, phone: uniqueMobile() },
  data: {
    customerName: 'Zoë Martin',
    bookingReference: 'EQ-2026-000123',
    serviceType: 'Déménagement',
    serviceDate: 'lundi 15 juin 2026',
    serviceTime: '09h00 \u2013 12h00',
    totalAmount: '1\u202f234,56\u00a0€',
  },
  attachments: [],
  documentsMissing: false,
  bookingId: '0190f5a4-7c1e-7b3a-9f10-bbbbbbbbbbbb',
  trigger: { eventId: newEventId(), type: 'booking.confirmed' },
  reminderId: null,
  ...overrides,
});

export const samplePdf = (label: string): Buffer =>
  Buffer.from(`%PDF-1.7\n% ${label}\n${'0'.repeat(5000)}\n%%EOF\n`);

export interface Harness {
  readonly nats: TestNats;
  readonly database: TestDatabase;
  readonly meta: WhatsAppEmulator;
  readonly blobs: BlobStore;
  readonly statuses: StatusEvent[];
  readonly baseUrl: string;
  start(overrides?: Record<string, string>, registry?: Registry): Promise<WhatsAppDeliveryService>;
  publish(command: Command): Promise<Envelope>;
  statusesOf(notificationId: string, type?: string): StatusEvent[];
  waitForStatus(notificationId: string, type: string, timeoutMs?: number): Promise<StatusEvent>;
  storeDocument(filename: string, bytes: Buffer): Promise<StoredDocument>;
  cleanup(): Promise<void>;
}

export const createHarness = async (): Promise<Harness> => {
  const nats = await createTestNats();
  const database = await createTestDatabase();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const meta = await startWhatsAppEmulator({ webhookUrl: `${baseUrl}/api/webhooks/whatsapp` });
  await ensureContextStream(nats.jsm, nats.ns, 'notify');
  await ensureContextStream(nats.jsm, nats.ns, 'notifications');
  const blobs = await openObjectStore(nats.nc, nats.ns, 'documents');
  const publisher = createPublisher(nats.nc, nats.ns);

  const statuses: StatusEvent[] = [];
  const consumer = await jetstream(nats.nc).consumers.get(nats.ns.stream('notifications'), {
    deliver_policy: DeliverPolicy.All,
  });
  const messages = await consumer.consume();
  void (async () => {
    for await (const m of messages) statuses.push(m.json<StatusEvent>());
  })();
  const services: WhatsAppDeliveryService[] = [];
  const statusesOf = (notificationId: string, type?: string) =>
    statuses.filter((s) => s.data.notificationId === notificationId && (!type || s.type === type));

  return {
    nats,
    database,
    meta,
    blobs,
    statuses,
    baseUrl,
    async start(overrides = {}, registry = new Registry()) {
      const config = loadConfig(WhatsAppDeliveryConfigSchema, {
        NATS_URL: nats.url,
        NATS_NAMESPACE: nats.ns.prefix,
        DATABASE_URL: database.url,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        WHATSAPP_API_BASE_URL: meta.url,
        WHATSAPP_ACCESS_TOKEN: meta.accessToken,
        WHATSAPP_PHONE_NUMBER_ID: meta.phoneNumberId,
        WHATSAPP_APP_SECRET: meta.appSecret,
        WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
        WHATSAPP_BACKOFF_MS: '100ms,200ms,400ms',
        WHATSAPP_SEND_TIMEOUT_MS: '5s',
        WHATSAPP_ACK_WAIT_MS: '30s',
        ...overrides,
      });
      const service = await startWhatsAppDeliveryService({
        config,
        logger: testLogger('whatsapp-delivery'),
        registry,
      });
      services.push(service);
      return service;
    },
    async publish(command) {
      const event = createEvent(NotificationRequested, command, {
        cause: { id: command.trigger.eventId, correlationId: `evt_test_${command.notificationId}` },
        id: command.notificationId,
      });
      await publisher.publish(event, { subject: notifySubject('whatsapp', command.priority as Priority) });
      return event;
    },
    statusesOf,
    waitForStatus: (notificationId, type, timeoutMs = 15_000) =>
      waitFor(`${type} for ${notificationId}`, () => statusesOf(notificationId, type)[0], { timeoutMs }),
    async storeDocument(filename, bytes) {
      const key = `test/${newEventId()}/${filename}`;
      await blobs.put(key, bytes, { contentType: 'application/pdf' });
      return {
        key,
        kind: 'BOOKING_CONFIRMATION',
        filename,
        contentType: 'application/pdf',
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      };
    },
    async cleanup() {
      for (const service of services) await service.stop();
      await messages.close();
      await meta.close();
      await nats.cleanup();
      await database.drop();
    },
  };
};
