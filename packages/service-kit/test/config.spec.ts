import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  booleanFlag,
  ConfigError,
  commaList,
  commonConfig,
  describeConfig,
  durationMs,
  loadConfig,
  secret,
  url,
} from '../src/index.ts';

const schema = z.object({
  ...commonConfig,
  STRIPE_WEBHOOK_SECRET: secret().describe('Signing secret of the Stripe webhook endpoint.'),
  ALLOWED_ORIGINS: commaList(url(['http', 'https'])).default(['http://localhost:3000']),
});

const validEnv = {
  NATS_URL: 'nats://127.0.0.1:4222',
  DATABASE_URL: 'postgres://app:s3cr3t@db.internal:5432/express_quote',
  STRIPE_WEBHOOK_SECRET: 'whsec_abc',
};

const configErrorOf = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('parses values and applies defaults', () => {
    const config = loadConfig(schema, {
      ...validEnv,
      NATS_URL: 'nats://a:4222, nats://b:4222',
      PORT: '8080',
      LOG_PRETTY: 'true',
      SHUTDOWN_TIMEOUT_MS: '30s',
      NATS_NAMESPACE: 't1abc',
      STREAM_REPLICAS: '3',
    });
    expect(config).toMatchObject({
      LOG_LEVEL: 'info',
      LOG_PRETTY: true,
      HOST: '0.0.0.0',
      PORT: 8080,
      SHUTDOWN_TIMEOUT_MS: 30_000,
      NATS_URL: ['nats://a:4222', 'nats://b:4222'],
      NATS_NAMESPACE: 't1abc',
      STREAM_REPLICAS: 3,
      DATABASE_URL: validEnv.DATABASE_URL,
      DATABASE_POOL_MAX: 10,
      ALLOWED_ORIGINS: ['http://localhost:3000'],
    });
    expect(config.SERVICE_NAME).toBeUndefined();
  });

  it('defaults the namespace to the production one (empty) and the replicas to 1', () => {
    const config = loadConfig(schema, validEnv);
    expect(config.NATS_NAMESPACE).toBe('');
    expect(config.STREAM_REPLICAS).toBe(1);
  });

  it('lists every missing or invalid variable, one line each, in declaration order', () => {
    const error = configErrorOf(() =>
      loadConfig(schema, {
        LOG_LEVEL: 'verbose',
        LOG_PRETTY: 'yes',
        PORT: '70000',
        SHUTDOWN_TIMEOUT_MS: 'ten seconds',
        NATS_URL: 'nats://ok:4222,http://wrong:80',
        NATS_NAMESPACE: 'Bad-Prefix',
        STREAM_REPLICAS: '0',
      }),
    );
    expect(error.problems.map((p) => p.name)).toEqual([
      'LOG_LEVEL',
      'LOG_PRETTY',
      'PORT',
      'SHUTDOWN_TIMEOUT_MS',
      'NATS_URL',
      'NATS_NAMESPACE',
      'STREAM_REPLICAS',
      'DATABASE_URL',
      'STRIPE_WEBHOOK_SECRET',
    ]);
    const reason = Object.fromEntries(error.problems.map((p) => [p.name, p.reason]));
    expect(reason.LOG_PRETTY).toBe("must be 'true' or 'false'");
    expect(reason.PORT).toBe('must be an integer between 0 and 65535');
    expect(reason.SHUTDOWN_TIMEOUT_MS).toMatch(/^must be a duration/);
    expect(reason.NATS_URL).toBe('item 2: must be a URL (nats://, tls://, ws://, wss://)');
    expect(reason.NATS_NAMESPACE).toMatch(/lowercase letters/);
    expect(reason.STREAM_REPLICAS).toBe('must be an integer between 1 and 5');
    expect(reason.DATABASE_URL).toBe('required, not set');
    expect(reason.STRIPE_WEBHOOK_SECRET).toBe('required, not set');
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('invalid configuration (9 variables):');
    expect(lines.slice(1)).toHaveLength(9);
    expect(lines[1]).toMatch(/^ {2}- LOG_LEVEL: /);
  });

  it('never prints the value of a variable, secret or not', () => {
    const error = configErrorOf(() =>
      loadConfig(schema, {
        ...validEnv,
        DATABASE_URL: 'mysql://app:hunter2@db.internal/express_quote',
        PORT: 'port-99999',
      }),
    );
    expect(error.message).toContain('DATABASE_URL: must be a URL (postgres://, postgresql://)');
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('port-99999');
  });

  it('treats an empty variable as unset', () => {
    const config = loadConfig(schema, { ...validEnv, PORT: '', LOG_LEVEL: '  ' });
    expect(config.PORT).toBe(3000);
    expect(config.LOG_LEVEL).toBe('info');
    const error = configErrorOf(() => loadConfig(schema, { ...validEnv, STRIPE_WEBHOOK_SECRET: '' }));
    expect(error.problems).toEqual([{ name: 'STRIPE_WEBHOOK_SECRET', reason: 'required, not set' }]);
  });
});

describe('field builders', () => {
  it.each([
    ['1500', 1500],
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    [' 250 ', 250],
  ])('durationMs parses %j as %i ms', (raw, ms) => {
    expect(durationMs().parse(raw)).toBe(ms);
  });

  it.each(['1.5s', '-1', '10 minutes', 's', ''])('durationMs rejects %j', (raw) => {
    expect(durationMs().safeParse(raw).success).toBe(false);
  });

  it.each([
    ['true', true],
    ['false', false],
  ])('booleanFlag parses %j', (raw, value) => {
    expect(booleanFlag().parse(raw)).toBe(value);
  });

  it.each(['TRUE', '1', 'yes', 'on', ''])('booleanFlag rejects %j instead of guessing', (raw) => {
    expect(booleanFlag().safeParse(raw).success).toBe(false);
  });

  it('commaList trims items, drops blanks and validates each item', () => {
    const list = commaList(url(['https']));
    expect(list.parse(' https://a.fr , ,https://b.fr ')).toEqual(['https://a.fr', 'https://b.fr']);
    expect(list.safeParse(' , ').success).toBe(false);
    expect(list.safeParse('https://a.fr,ftp://b.fr').success).toBe(false);
  });
});

describe('describeConfig', () => {
  it('documents every variable with required, default, description and secrecy', () => {
    const rows = describeConfig(schema);
    const row = (name: string) => rows.find((r) => r.name === name);
    expect(rows.map((r) => r.name)).toEqual(Object.keys(schema.shape));
    expect(row('SERVICE_NAME')).toMatchObject({ required: false, default: undefined, secret: false });
    expect(row('LOG_LEVEL')).toEqual({
      name: 'LOG_LEVEL',
      required: false,
      default: 'info',
      description: 'pino level.',
      secret: false,
    });
    expect(row('PORT')).toMatchObject({ required: false, default: '3000' });
    expect(row('LOG_PRETTY')).toMatchObject({ default: 'false' });
    expect(row('NATS_NAMESPACE')).toMatchObject({ required: false, default: '' });
    expect(row('NATS_URL')).toMatchObject({ required: true, default: undefined, secret: false });
    expect(row('NATS_URL')?.description).toMatch(/comma-separated/);
    expect(row('DATABASE_URL')).toMatchObject({ required: true, secret: true });
    expect(row('DATABASE_URL')?.description).toMatch(/password/);
    expect(row('STRIPE_WEBHOOK_SECRET')).toEqual({
      name: 'STRIPE_WEBHOOK_SECRET',
      required: true,
      default: undefined,
      description: 'Signing secret of the Stripe webhook endpoint.',
      secret: true,
    });
    expect(row('ALLOWED_ORIGINS')).toMatchObject({ required: false, default: 'http://localhost:3000' });
  });

  it('never shows the default of a secret', () => {
    const rows = describeConfig(z.object({ TOKEN: secret().default('dev-token') }));
    expect(rows[0]).toMatchObject({ required: false, default: undefined, secret: true });
  });
});
