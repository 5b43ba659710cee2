import { ConfigError, loadConfig } from '@express-quote/service-kit';
import { describe, expect, it } from 'vitest';
import { SmsDeliveryConfigSchema } from '../src/config.ts';

const base = {
  NATS_URL: 'nats://127.0.0.1:4222',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  TWILIO_ACCOUNT_SID: 'AC0123',
  TWILIO_AUTH_TOKEN: 'secret-token',
  TWILIO_FROM: 'ExpressQuote',
  SMS_PROVIDERS: ' twilio ',
};

const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(SmsDeliveryConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.name);
    throw error;
  }
  return [];
};

describe('sms-delivery configuration', () => {
  it('defaults: no provider (SMS disabled), France, port 3007, a price table', () => {
    const config = loadConfig(SmsDeliveryConfigSchema, {
      NATS_URL: base.NATS_URL,
      DATABASE_URL: base.DATABASE_URL,
    });
    expect(config).toMatchObject({ SMS_PROVIDERS: [], SMS_DEFAULT_COUNTRY: 'FR', PORT: 3007 });
    expect(loadConfig(SmsDeliveryConfigSchema, base).SMS_PROVIDERS).toEqual(['twilio']);
    expect(config.SMS_PRICE_PER_SEGMENT_MICROS).toEqual({
      twilio: 79_000,
      vonage: 72_000,
      brevo: 45_000,
      'free-mobile': 0,
    });
  });

  it('every listed provider needs its credentials, named one by one', () => {
    expect(problems({ ...base, SMS_PROVIDERS: 'twilio,vonage,brevo,free-mobile', TWILIO_FROM: '' })).toEqual(
      expect.arrayContaining([
        'VONAGE_API_KEY',
        'VONAGE_API_SECRET',
        'VONAGE_FROM',
        'BREVO_API_KEY',
        'BREVO_SENDER',
        'FREE_MOBILE_USER',
        'FREE_MOBILE_PASS',
        'FREE_MOBILE_PHONE',
      ]),
    );
    expect(
      problems({ NATS_URL: base.NATS_URL, DATABASE_URL: base.DATABASE_URL, SMS_PROVIDERS: 'twilio' }),
    ).toEqual(expect.arrayContaining(['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM']));
  });

  it('refuses an unknown or repeated provider, a bad price table and a short ack wait', () => {
    expect(problems({ ...base, SMS_PROVIDERS: 'twilio,ovh' })).toContain('SMS_PROVIDERS');
    expect(problems({ ...base, SMS_PROVIDERS: 'twilio,twilio' })).toContain('SMS_PROVIDERS');
    expect(problems({ ...base, SMS_PRICE_PER_SEGMENT_MICROS: 'twilio=0.07' })).toContain(
      'SMS_PRICE_PER_SEGMENT_MICROS',
    );
    expect(problems({ ...base, SMS_SEND_TIMEOUT_MS: '20s', SMS_ACK_WAIT_MS: '15s' })).toContain(
      'SMS_ACK_WAIT_MS',
    );
  });

  it('never echoes a secret in its errors', () => {
    try {
      loadConfig(SmsDeliveryConfigSchema, {
        ...base,
        SMS_PROVIDERS: 'brevo',
        BREVO_API_KEY: 'xkeysib-very-secret',
      });
    } catch (error) {
      expect((error as Error).message).not.toContain('xkeysib-very-secret');
      expect((error as Error).message).toContain('BREVO_SENDER');
    }
  });
});
