import { newEventId } from '@express-quote/contracts';
import {
  type Command,
  createDeliveryHarness,
  type DeliveryHarness,
  uniqueMobile,
} from '@express-quote/delivery-kit/test-support';
import { loadConfig } from '@express-quote/service-kit';
import { type SmsSink, startSmsSink } from '@express-quote/sinks';
import { testLogger } from '@express-quote/testing';
import { Registry } from 'prom-client';
import { SmsDeliveryConfigSchema } from '../../src/config.ts';
import { type SmsDeliveryService, startSmsDeliveryService } from '../../src/service.ts';

export type { Command, StatusEvent } from '@express-quote/delivery-kit/test-support';
export { uniqueMobile };

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

export interface Harness extends DeliveryHarness<SmsDeliveryService> {
  readonly sink: SmsSink;
  env(overrides?: Record<string, string>): Record<string, string>;
  start(overrides?: Record<string, string>, registry?: Registry): Promise<SmsDeliveryService>;
}

/** Own namespace, own database, own provider emulators; the service started in-process against them. */
export const createHarness = async (): Promise<Harness> => {
  const base = await createDeliveryHarness<SmsDeliveryService>('sms');
  const sink = await startSmsSink({ freeMobileOwnerPhone: '+33611111111' });
  base.onCleanup(() => sink.close());
  const env = (overrides: Record<string, string> = {}): Record<string, string> => ({
    ...base.baseEnv,
    ...sink.env({ providers: ['twilio', 'vonage', 'brevo'], publicBaseUrl: base.baseUrl }),
    SMS_SEND_TIMEOUT_MS: '5s',
    SMS_ACK_WAIT_MS: '30s',
    SMS_BACKOFF_MS: '100ms,200ms,400ms',
    SMS_BREAKER_HALF_OPEN_MS: '500ms',
    SMS_BREAKER_MAX_HALF_OPEN_MS: '1s',
    ...overrides,
  });
  return {
    ...base,
    sink,
    env,
    async start(overrides = {}, registry = new Registry()) {
      const config = loadConfig(SmsDeliveryConfigSchema, env(overrides));
      return base.started(
        await startSmsDeliveryService({ config, logger: testLogger('sms-delivery'), registry }),
      );
    },
  };
};
