import { ConfigError, describeConfig, loadConfig } from '@express-quote/service-kit';
import { describe, expect, it } from 'vitest';
import { EmailDeliveryConfigSchema } from '../src/config.ts';

const minimal = {
  NATS_URL: 'nats://127.0.0.1:4222',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  SMTP_HOST: 'smtp.example.com',
  SMTP_FROM: 'Express Quote <noreply@express-quote.com>',
};

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(EmailDeliveryConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigError)
      return Object.fromEntries(error.problems.map((p) => [p.name, p.reason]));
    throw error;
  }
  return {};
};

describe('email-delivery configuration', () => {
  it('has production defaults matching the seed: pool of 5, 10 messages/s, 5 deliveries, backoff from 1 s', () => {
    const config = loadConfig(EmailDeliveryConfigSchema, minimal);
    expect(config).toMatchObject({
      PORT: 3006,
      SMTP_PORT: 587,
      SMTP_SECURE: false,
      SMTP_TLS_REJECT_UNAUTHORIZED: true,
      SMTP_MAX_CONNECTIONS: 5,
      SMTP_RATE_LIMIT_PER_SECOND: 10,
      EMAIL_MAX_DELIVER: 5,
      EMAIL_BACKOFF_MS: [1000, 2000, 4000, 8000],
      EMAIL_CRITICAL_CONCURRENCY: 4,
      EMAIL_HIGH_CONCURRENCY: 4,
      EMAIL_NORMAL_CONCURRENCY: 3,
      NATS_NAMESPACE: '',
    });
  });

  it('lists every missing or invalid variable, never a secret value', () => {
    const found = problems({
      NATS_URL: 'nats://127.0.0.1:4222',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      SMTP_FROM: 'not an address',
      SMTP_SECURE: 'yes',
      EMAIL_BACKOFF_MS: '1s,soon',
      SMTP_PASSWORD: '',
    });
    expect(Object.keys(found).sort()).toEqual(['EMAIL_BACKOFF_MS', 'SMTP_FROM', 'SMTP_HOST', 'SMTP_SECURE']);
    expect(found.SMTP_HOST).toBe('required, not set');
    expect(found.EMAIL_BACKOFF_MS).toMatch(/item 2/);
  });

  it('refuses an ack wait shorter than a send (a message would be redelivered while being sent)', () => {
    expect(problems({ ...minimal, EMAIL_ACK_WAIT_MS: '30s', SMTP_SEND_TIMEOUT_MS: '60s' })).toHaveProperty(
      'EMAIL_ACK_WAIT_MS',
    );
  });

  it('documents every variable', () => {
    const docs = describeConfig(EmailDeliveryConfigSchema);
    const smtp = docs.filter((d) => d.name.startsWith('SMTP_'));
    expect(smtp.length).toBeGreaterThanOrEqual(15);
    for (const entry of docs.filter((d) => d.name.startsWith('SMTP_') || d.name.startsWith('EMAIL_'))) {
      expect(entry.description, entry.name).toBeTruthy();
    }
  });
});
