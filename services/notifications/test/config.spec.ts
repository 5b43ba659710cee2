import { ConfigError, describeConfig, loadConfig } from '@express-quote/service-kit';
import { describe, expect, it } from 'vitest';
import { NotificationsConfig } from '../src/config.ts';
import { ADMIN_TOKEN, DOCUMENTS_URL_SECRET } from './harness.ts';

const REQUIRED = {
  NATS_URL: 'nats://127.0.0.1:4222',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  ADMIN_TOKEN,
  DOCUMENTS_URL_SECRET,
};

const problemsOf = (env: Record<string, string>): Record<string, string> => {
  try {
    loadConfig(NotificationsConfig, env);
  } catch (error) {
    if (error instanceof ConfigError)
      return Object.fromEntries(error.problems.map((p) => [p.name, p.reason]));
    throw error;
  }
  return {};
};

describe('notifications config', () => {
  it('defaults: port 3005, reminders polled every 10 s, the customer "assigned" e-mail on', () => {
    expect(loadConfig(NotificationsConfig, REQUIRED)).toMatchObject({
      PORT: 3005,
      REMINDER_POLL_INTERVAL_MS: 10_000,
      RELEASE_POLL_INTERVAL_MS: 1_000,
      CUSTOMER_ASSIGNED_EMAIL_ENABLED: true,
      NATS_NAMESPACE: '',
    });
  });

  it('reads durations and the flag, and refuses what it would have to guess', () => {
    const config = loadConfig(NotificationsConfig, {
      ...REQUIRED,
      REMINDER_POLL_INTERVAL_MS: '30s',
      CUSTOMER_ASSIGNED_EMAIL_ENABLED: 'false',
    });
    expect(config.REMINDER_POLL_INTERVAL_MS).toBe(30_000);
    expect(config.CUSTOMER_ASSIGNED_EMAIL_ENABLED).toBe(false);
    const problems = problemsOf({
      ...REQUIRED,
      REMINDER_POLL_INTERVAL_MS: 'often',
      CUSTOMER_ASSIGNED_EMAIL_ENABLED: 'yes',
    });
    expect(Object.keys(problems).sort()).toEqual([
      'CUSTOMER_ASSIGNED_EMAIL_ENABLED',
      'REMINDER_POLL_INTERVAL_MS',
    ]);
  });

  it('lists missing secrets without printing any value, and documents every variable', () => {
    const problems = problemsOf({ NATS_URL: REQUIRED.NATS_URL, DATABASE_URL: REQUIRED.DATABASE_URL });
    expect(Object.keys(problems).sort()).toEqual(['ADMIN_TOKEN', 'DOCUMENTS_URL_SECRET']);
    const short = problemsOf({ ...REQUIRED, ADMIN_TOKEN: 'short-token-value' });
    expect(short.ADMIN_TOKEN).toMatch(/24 characters/);
    expect(JSON.stringify(short)).not.toContain('short-token-value');
    for (const field of describeConfig(NotificationsConfig)) {
      expect(field.description, field.name).toBeTruthy();
    }
  });
});
