import { ConfigError, describeConfig, loadConfig } from '@express-quote/service-kit';
import { describe, expect, it } from 'vitest';
import { AttributionConfig } from '../src/config.ts';
import { ADMIN_TOKEN, LINK_SECRET } from './fixtures.ts';

const REQUIRED = {
  NATS_URL: 'nats://127.0.0.1:4222',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  ATTRIBUTION_LINK_SECRET: LINK_SECRET,
  ADMIN_TOKEN,
};

const problemsOf = (env: Record<string, string>): Record<string, string> => {
  try {
    loadConfig(AttributionConfig, env);
  } catch (error) {
    if (error instanceof ConfigError)
      return Object.fromEntries(error.problems.map((p) => [p.name, p.reason]));
    throw error;
  }
  return {};
};

describe('attribution config', () => {
  it('has the seed defaults: port 3004, 150 km, one wider round, offline geocoding', () => {
    const config = loadConfig(AttributionConfig, REQUIRED);
    expect(config).toMatchObject({
      PORT: 3004,
      ATTRIBUTION_RADIUS_KM: 150,
      REBROADCAST_RADIUS_KM: 250,
      RESPONSE_TIMEOUT_MS: 4 * 3_600_000,
      URGENT_RESPONSE_TIMEOUT_MS: 3_600_000,
      NATS_NAMESPACE: '',
      CONSUMER_BACKOFF_MS: [1_000, 5_000, 30_000, 120_000],
    });
    expect(config.GEOCODER_URL).toBeUndefined();
    expect(loadConfig(AttributionConfig, { ...REQUIRED, GEOCODER_URL: '' }).GEOCODER_URL).toBeUndefined();
  });

  it('lists every missing or invalid variable, never a secret value', () => {
    const problems = problemsOf({
      NATS_URL: 'nats://127.0.0.1:4222',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      ATTRIBUTION_LINK_SECRET: 'too-short-secret',
      ATTRIBUTION_RADIUS_KM: 'far',
      GEOCODER_URL: 'ftp://example.fr',
    });
    expect(Object.keys(problems).sort()).toEqual([
      'ADMIN_TOKEN',
      'ATTRIBUTION_LINK_SECRET',
      'ATTRIBUTION_RADIUS_KM',
      'GEOCODER_URL',
    ]);
    expect(problems.ATTRIBUTION_LINK_SECRET).toMatch(/at least 32/);
    expect(JSON.stringify(problems)).not.toContain('too-short-secret');
  });

  it('requires the second round to reach further than the first', () => {
    expect(
      problemsOf({ ...REQUIRED, ATTRIBUTION_RADIUS_KM: '200', REBROADCAST_RADIUS_KM: '150' }),
    ).toHaveProperty('REBROADCAST_RADIUS_KM');
  });

  it('describes every variable for the deployment docs', () => {
    const docs = describeConfig(AttributionConfig);
    for (const doc of docs) expect(doc.description, doc.name).toBeTruthy();
    expect(docs.find((d) => d.name === 'ATTRIBUTION_LINK_SECRET')).toMatchObject({
      required: true,
      secret: true,
    });
  });
});
