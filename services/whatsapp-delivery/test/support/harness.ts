import { newEventId } from '@express-quote/contracts';
import {
  type Command,
  createDeliveryHarness,
  type DeliveryHarness,
  uniqueMobile,
} from '@express-quote/delivery-kit/test-support';
import { loadConfig } from '@express-quote/service-kit';
import { startWhatsAppEmulator, type WhatsAppEmulator } from '@express-quote/sinks';
import { testLogger } from '@express-quote/testing';
import { Registry } from 'prom-client';
import { WhatsAppDeliveryConfigSchema } from '../../src/config.ts';
import { startWhatsAppDeliveryService, type WhatsAppDeliveryService } from '../../src/service.ts';

export type { Command, StatusEvent } from '@express-quote/delivery-kit/test-support';
export { uniqueMobile };

export const VERIFY_TOKEN = 'verify-token-for-tests-0123456789';

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

export interface Harness extends DeliveryHarness<WhatsAppDeliveryService> {
  readonly meta: WhatsAppEmulator;
  start(overrides?: Record<string, string>, registry?: Registry): Promise<WhatsAppDeliveryService>;
}

export const createHarness = async (): Promise<Harness> => {
  const base = await createDeliveryHarness<WhatsAppDeliveryService>('whatsapp');
  const meta = await startWhatsAppEmulator({ webhookUrl: `${base.baseUrl}/api/webhooks/whatsapp` });
  base.onCleanup(() => meta.close());
  return {
    ...base,
    meta,
    async start(overrides = {}, registry = new Registry()) {
      const config = loadConfig(WhatsAppDeliveryConfigSchema, {
        ...base.baseEnv,
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
      return base.started(
        await startWhatsAppDeliveryService({ config, logger: testLogger('whatsapp-delivery'), registry }),
      );
    },
  };
};
