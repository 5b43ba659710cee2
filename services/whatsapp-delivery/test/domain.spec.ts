import { createHmac } from 'node:crypto';
import type { NotificationRecipient } from '@express-quote/contracts';
import { TemplateDataError } from '@express-quote/delivery-kit';
import { describe, expect, it } from 'vitest';
import { pricingOf } from '../src/domain/conversation-pricing.ts';
import { classifyGraphError } from '../src/domain/graph-error.ts';
import { checkWhatsAppNumber } from '../src/domain/phone-number.ts';
import { parseCallbackData } from '../src/domain/webhook-payload.ts';
import { sameSecret, verifyHubSignature } from '../src/domain/webhook-signature.ts';
import { createWhatsAppRenderer } from '../src/templates/renderer.ts';

describe('Graph errors', () => {
  it.each([
    [400, 131047, 'window_closed'],
    [400, 130429, 'transient'],
    [400, 131056, 'transient'],
    [400, 131048, 'transient'],
    [400, 4, 'transient'],
    [401, 190, 'transient'],
    [500, 131000, 'transient'],
    [503, null, 'transient'],
    [null, null, 'transient'],
    [429, null, 'transient'],
    [400, 131026, 'permanent'],
    [400, 100, 'permanent'],
    [400, 131008, 'permanent'],
    [400, 131009, 'permanent'],
    [400, 132001, 'permanent'],
    [400, 999_999, 'permanent'],
  ])('HTTP %s code %s → %s', (status, code, kind) => {
    expect(classifyGraphError(status, code)).toBe(kind);
  });
});

describe('webhook signature', () => {
  const secret = 'app-secret';
  const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

  it('accepts the HMAC-SHA256 of the exact raw body', () => {
    expect(verifyHubSignature(secret, body, signature)).toBe(true);
  });
  it.each([
    ['missing', undefined],
    ['no prefix', signature.slice('sha256='.length)],
    ['other secret', `sha256=${createHmac('sha256', 'other').update(body).digest('hex')}`],
    ['truncated', signature.slice(0, 40)],
    ['sha1', `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`],
  ])('refuses %s', (_name, header) => {
    expect(verifyHubSignature(secret, body, header)).toBe(false);
  });
  it('refuses a re-serialized body (one space more)', () => {
    expect(
      verifyHubSignature(
        secret,
        Buffer.from('{"object": "whatsapp_business_account","entry":[]}'),
        signature,
      ),
    ).toBe(false);
  });
  it('compares verify tokens whole', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('ab', 'abc')).toBe(false);
  });
});

describe('pricing and callback data', () => {
  const table = { utility: 30_000, marketing: 110_000, service: 0 };
  it('prices a billable category from the table, a free one at 0, and says nothing without a category', () => {
    const base = { id: 'wamid.x', status: 'delivered', timestamp: '1700000000' };
    expect(
      pricingOf({ ...base, pricing: { billable: true, category: 'utility', pricing_model: 'PMP' } }, table),
    ).toEqual({
      category: 'utility',
      billable: true,
      pricingModel: 'PMP',
      costMicros: 30_000,
    });
    expect(pricingOf({ ...base, pricing: { billable: false, category: 'service' } }, table)?.costMicros).toBe(
      0,
    );
    expect(pricingOf(base, table)).toBeNull();
  });
  it('reads our biz_opaque_callback_data back', () => {
    expect(parseCallbackData('0190f5a4-7c1e-7b3a-9f10-bbbbbbbbbbbb:document-2')).toEqual({
      notificationId: '0190f5a4-7c1e-7b3a-9f10-bbbbbbbbbbbb',
      part: 'document-2',
    });
    expect(parseCallbackData('something else')).toBeNull();
    expect(parseCallbackData(undefined)).toBeNull();
  });
  it('normalizes numbers to a wa id and refuses service numbers', () => {
    expect(checkWhatsAppNumber('06 12 34 56 78')).toEqual({
      ok: true,
      e164: '+33612345678',
      waId: '33612345678',
    });
    expect(checkWhatsAppNumber('0800 12 34 56')).toMatchObject({ ok: false });
    expect(checkWhatsAppNumber('12')).toMatchObject({ ok: false });
  });
});

describe('WhatsApp templates', () => {
  const renderer = createWhatsAppRenderer();
  const recipient: NotificationRecipient = {
    kind: 'customer',
    id: null,
    name: 'Zoë Martin',
    email: null,
    phone: '+33612345678',
  };
  const ctx = { recipient, brandName: 'Express Quote' };

  it('a reminder has its free-form text and the parameters of its approved template', () => {
    const rendered = renderer.render(
      'booking-reminder-whatsapp',
      {
        reminderType: '24h',
        bookingReference: 'EQ-2026-000123',
        serviceType: 'Déménagement',
        serviceDate: 'lundi 15 juin 2026',
        serviceTime: '09h00 – 12h00',
        pickupAddress: '12 rue de la Paix, 75002 Paris',
      },
      ctx,
    );
    expect(rendered.text).toContain(
      'Rappel : votre déménagement (réservation *EQ-2026-000123*) a lieu demain.',
    );
    expect(rendered.text).toContain('📍 12 rue de la Paix, 75002 Paris');
    expect(rendered.approved).toEqual({
      name: 'rappel_reservation',
      bodyParameters: [
        'Zoë',
        'déménagement',
        'EQ-2026-000123',
        'demain',
        'lundi 15 juin 2026',
        '09h00 – 12h00',
      ],
      documentHeader: false,
    });
  });

  it('template parameters carry no line breaks', () => {
    const rendered = renderer.render(
      'staff-alert-whatsapp',
      { subject: 'Alerte', message: 'ligne 1\n\nligne   2\tfin' },
      ctx,
    );
    expect(rendered.approved.bodyParameters).toEqual(['Alerte', 'ligne 1 ligne 2 fin']);
  });

  it('bad data names the fields', () => {
    expect(() =>
      renderer.render('mission-reminder-whatsapp', { bookingReference: 'EQ-2026-000123' }, ctx),
    ).toThrow(TemplateDataError);
    expect(() =>
      renderer.render('mission-reminder-whatsapp', { bookingReference: 'EQ-2026-000123' }, ctx),
    ).toThrow(
      /missing field serviceType; missing field serviceDate; missing field serviceTime; missing field pickupAddress/,
    );
  });
});

describe('configuration', () => {
  const base = {
    NATS_URL: 'nats://127.0.0.1:4222',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  };
  it('without credentials WhatsApp is disabled; with some of them, the missing ones are named', async () => {
    const { loadConfig, ConfigError } = await import('@express-quote/service-kit');
    const { WhatsAppDeliveryConfigSchema, whatsAppCredentials } = await import('../src/config.ts');
    const config = loadConfig(WhatsAppDeliveryConfigSchema, base);
    expect(whatsAppCredentials(config)).toBeNull();
    expect(config).toMatchObject({
      PORT: 3008,
      WHATSAPP_GRAPH_VERSION: 'v23.0',
      WHATSAPP_TEMPLATE_LANGUAGE: 'fr',
    });
    try {
      loadConfig(WhatsAppDeliveryConfigSchema, { ...base, WHATSAPP_ACCESS_TOKEN: 'EAA-secret-token' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as InstanceType<typeof ConfigError>).problems.map((p) => p.name).sort()).toEqual([
        'WHATSAPP_APP_SECRET',
        'WHATSAPP_PHONE_NUMBER_ID',
        'WHATSAPP_VERIFY_TOKEN',
      ]);
      expect((error as Error).message).not.toContain('EAA-secret-token');
    }
    expect(() => loadConfig(WhatsAppDeliveryConfigSchema, { ...base, WHATSAPP_GRAPH_VERSION: '18' })).toThrow(
      /WHATSAPP_GRAPH_VERSION/,
    );
  });
});
