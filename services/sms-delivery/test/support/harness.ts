import {
  createEvent,
  type DataOf,
  type Envelope,
  NotificationRequested,
  newEventId,
  notifySubject,
  type Priority,
} from '@express-quote/contracts';
import { createPublisher, ensureContextStream, listDeadLetters } from '@express-quote/messaging';
import { loadConfig } from '@express-quote/service-kit';
import { type SmsSink, startSmsSink } from '@express-quote/sinks';
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
import { SmsDeliveryConfigSchema } from '../../src/config.ts';
import { type SmsDeliveryService, startSmsDeliveryService } from '../../src/service.ts';

export type Command = DataOf<typeof NotificationRequested>;

export interface StatusEvent extends Envelope {
  data: Record<string, unknown> & { notificationId: string; attempt?: number };
}

let phoneCounter = 0;
/** A distinct French mobile number per call (so emulator faults per recipient do not leak between tests). */
export const uniqueMobile = (): string =>
  `+336${String(10_000_000 + process.pid * 100 + ++phoneCounter).slice(-8)}`;

/** The customer confirmation SMS as the planner publishes it. */
export const smsCommand = (overrides: Partial<Command> = {}): Command => ({
  notificationId: newEventId(),
  channel: 'sms',
  priority: 'HIGH',
  template: 'booking-confirmation-sms',
  recipient: { kind: 'customer', id: null, name: 'Françoise Lefèvre', email: null, phone: uniqueMobile() },
  data: {
    customerName: 'Françoise Lefèvre',
    bookingReference: 'EQ-2026-000123',
    serviceDate: '15/06/2026',
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

export interface Harness {
  readonly nats: TestNats;
  readonly database: TestDatabase;
  readonly sink: SmsSink;
  readonly statuses: StatusEvent[];
  /** Where the started service listens (its SMS_PUBLIC_BASE_URL). */
  readonly baseUrl: string;
  env(overrides?: Record<string, string>): Record<string, string>;
  start(overrides?: Record<string, string>, registry?: Registry): Promise<SmsDeliveryService>;
  publish(command: Command, options?: { envelopeId?: string }): Promise<Envelope>;
  statusesOf(notificationId: string, type?: string): StatusEvent[];
  waitForStatus(notificationId: string, type: string, timeoutMs?: number): Promise<StatusEvent>;
  deadLetters(): ReturnType<typeof listDeadLetters>;
  cleanup(): Promise<void>;
}

/** Own namespace, own database, own provider emulators; the service started in-process against them. */
export const createHarness = async (): Promise<Harness> => {
  const nats = await createTestNats();
  const database = await createTestDatabase();
  const sink = await startSmsSink({ freeMobileOwnerPhone: '+33611111111' });
  await ensureContextStream(nats.jsm, nats.ns, 'notify');
  await ensureContextStream(nats.jsm, nats.ns, 'notifications');
  const publisher = createPublisher(nats.nc, nats.ns);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;

  const statuses: StatusEvent[] = [];
  const consumer = await jetstream(nats.nc).consumers.get(nats.ns.stream('notifications'), {
    deliver_policy: DeliverPolicy.All,
  });
  const messages = await consumer.consume();
  void (async () => {
    for await (const m of messages) statuses.push(m.json<StatusEvent>());
  })();

  const env = (overrides: Record<string, string> = {}): Record<string, string> => ({
    NATS_URL: nats.url,
    NATS_NAMESPACE: nats.ns.prefix,
    DATABASE_URL: database.url,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...sink.env({ providers: ['twilio', 'vonage', 'brevo'], publicBaseUrl: baseUrl }),
    SMS_SEND_TIMEOUT_MS: '5s',
    SMS_ACK_WAIT_MS: '30s',
    SMS_BACKOFF_MS: '100ms,200ms,400ms',
    SMS_BREAKER_HALF_OPEN_MS: '500ms',
    SMS_BREAKER_MAX_HALF_OPEN_MS: '1s',
    ...overrides,
  });
  const services: SmsDeliveryService[] = [];
  const statusesOf = (notificationId: string, type?: string) =>
    statuses.filter((s) => s.data.notificationId === notificationId && (!type || s.type === type));

  return {
    nats,
    database,
    sink,
    statuses,
    baseUrl,
    env,
    async start(overrides = {}, registry = new Registry()) {
      const config = loadConfig(SmsDeliveryConfigSchema, env(overrides));
      const service = await startSmsDeliveryService({ config, logger: testLogger('sms-delivery'), registry });
      services.push(service);
      return service;
    },
    async publish(command, options = {}) {
      const event = createEvent(NotificationRequested, command, {
        cause: { id: command.trigger.eventId, correlationId: `evt_test_${command.notificationId}` },
        id: options.envelopeId ?? command.notificationId,
      });
      await publisher.publish(event, { subject: notifySubject('sms', command.priority as Priority) });
      return event;
    },
    statusesOf,
    waitForStatus: (notificationId, type, timeoutMs = 15_000) =>
      waitFor(`${type} for ${notificationId}`, () => statusesOf(notificationId, type)[0], { timeoutMs }),
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
