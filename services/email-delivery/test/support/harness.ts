import { createHash } from 'node:crypto';
import { newEventId, type StoredDocument } from '@express-quote/contracts';
import {
  type Command,
  createDeliveryHarness,
  type DeliveryHarness,
} from '@express-quote/delivery-kit/test-support';
import { loadConfig } from '@express-quote/service-kit';
import { type MailSink, startMailSink } from '@express-quote/sinks';
import { testLogger } from '@express-quote/testing';
import { Registry } from 'prom-client';
import { EmailDeliveryConfigSchema } from '../../src/config.ts';
import { type EmailDeliveryService, startEmailDeliveryService } from '../../src/service.ts';
import { TEMPLATE_SAMPLES } from '../fixtures/template-data.ts';

export type { Command, StatusEvent } from '@express-quote/delivery-kit/test-support';

export const MESSAGE_ID_DOMAIN = 'express-quote.test';

let recipientCounter = 0;
export const uniqueAddress = (label = 'client'): string =>
  `${label}.${process.pid}.${Date.now().toString(36)}.${++recipientCounter}@example.fr`;

/** A NotificationRequested (booking-confirmation on the HIGH lane by default; the planner sends it as CRITICAL). */
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

export interface Harness extends Omit<DeliveryHarness<EmailDeliveryService>, 'storeDocument'> {
  readonly sink: MailSink;
  env(overrides?: Record<string, string>): Record<string, string>;
  start(overrides?: Record<string, string>, registry?: Registry): Promise<EmailDeliveryService>;
  storeDocument(kind: StoredDocument['kind'], filename: string, bytes: Buffer): Promise<StoredDocument>;
}

/** Own namespace, own database, own mail sink; the service started in-process against them. */
export const createHarness = async (
  sinkOptions: Parameters<typeof startMailSink>[0] = {},
): Promise<Harness> => {
  const base = await createDeliveryHarness<EmailDeliveryService>('email');
  const sink = await startMailSink({ httpPort: null, ...sinkOptions });
  base.onCleanup(() => sink.close());
  // Fast retries, the sink as SMTP server, no rate limit unless asked; any free port.
  const env = (overrides: Record<string, string> = {}): Record<string, string> => ({
    ...base.baseEnv,
    PORT: '0',
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
  return {
    ...base,
    sink,
    env,
    async start(overrides = {}, registry = new Registry()) {
      const config = loadConfig(EmailDeliveryConfigSchema, env(overrides));
      return base.started(
        await startEmailDeliveryService({ config, logger: testLogger('email-delivery'), registry }),
      );
    },
    storeDocument: (kind, filename, bytes) => base.storeDocument(filename, bytes, kind),
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
