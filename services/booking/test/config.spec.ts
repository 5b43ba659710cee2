import { ConfigError, loadConfig } from '@express-quote/service-kit';
import { describe, expect, it } from 'vitest';
import { bookingConfigSchema } from '../src/config.ts';
import { DEFAULT_PRICING_RATES } from '../src/domain/pricing-rates.ts';

const REQUIRED = {
  NATS_URL: 'nats://127.0.0.1:4222',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
};

describe('booking configuration', () => {
  it('has production defaults', () => {
    const config = loadConfig(bookingConfigSchema, REQUIRED);
    expect(config).toMatchObject({
      PORT: 3002,
      NATS_NAMESPACE: '',
      PRICING_RATES_JSON: DEFAULT_PRICING_RATES,
      QUOTE_VALIDITY: 7 * 24 * 3_600_000,
      URGENT_WITHIN: 48 * 3_600_000,
      CONSUMER_BACKOFF: [1_000, 5_000, 30_000, 120_000],
      CONSUMER_ACK_WAIT: 30_000,
    });
  });

  it('takes rates from JSON', () => {
    const rates = { ...DEFAULT_PRICING_RATES, insuranceCents: 4_500 };
    const config = loadConfig(bookingConfigSchema, {
      ...REQUIRED,
      PRICING_RATES_JSON: JSON.stringify(rates),
    });
    expect(config.PRICING_RATES_JSON.insuranceCents).toBe(4_500);
  });

  it('names every bad variable', () => {
    let error: unknown;
    try {
      loadConfig(bookingConfigSchema, {
        NATS_URL: REQUIRED.NATS_URL,
        PRICING_RATES_JSON: '{"services":',
        CONSUMER_BACKOFF: '1s,soon',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.name)).toEqual([
      'DATABASE_URL',
      'PRICING_RATES_JSON',
      'CONSUMER_BACKOFF',
    ]);
  });

  it('refuses rates that are not whole cents', () => {
    const rates = { ...DEFAULT_PRICING_RATES, disassemblyCents: 12.5 };
    expect(() =>
      loadConfig(bookingConfigSchema, { ...REQUIRED, PRICING_RATES_JSON: JSON.stringify(rates) }),
    ).toThrow(/PRICING_RATES_JSON: disassemblyCents/);
  });
});
