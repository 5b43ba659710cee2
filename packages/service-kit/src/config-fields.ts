import { namespaced } from '@express-quote/contracts';
import { z } from 'zod';

/**
 * Builders for environment variables. Each takes the raw string and yields a typed value; messages say what
 * is expected without echoing the value (it may be a secret).
 */

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(\d+)(ms|s|m|h)?$/;

/** Duration in milliseconds: `1500` (ms), or with a unit: `500ms`, `30s`, `5m`, `1h`. */
export const durationMs = () =>
  z
    .string()
    .trim()
    .regex(DURATION, 'must be a duration: milliseconds (1500) or a number with a unit (500ms, 30s, 5m, 1h)')
    .transform((raw) => {
      const [, amount, unit] = DURATION.exec(raw)!;
      return Number(amount) * UNIT_MS[(unit ?? 'ms') as keyof typeof UNIT_MS];
    });

/** Only `true` or `false`: `1`, `yes` or `TRUE` are rejected rather than guessed. */
export const booleanFlag = () =>
  z.enum(['true', 'false'], { error: "must be 'true' or 'false'" }).transform((v) => v === 'true');

/** Integer within bounds, e.g. a port or a replica count. */
export const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, `must be an integer between ${min} and ${max}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, `must be an integer between ${min} and ${max}`)
        .max(max, `must be an integer between ${min} and ${max}`),
    );

export const port = () => integer(0, 65_535);

/** Absolute URL whose scheme is one of `protocols` (without the colon), e.g. `url(['postgres', 'postgresql'])`. */
export const url = (protocols?: readonly string[]) => {
  const expected = protocols?.length ? ` (${protocols.map((p) => `${p}://`).join(', ')})` : '';
  return z
    .string()
    .trim()
    .refine((raw) => {
      if (!URL.canParse(raw)) return false;
      const scheme = new URL(raw).protocol.slice(0, -1);
      return !protocols?.length || protocols.includes(scheme);
    }, `must be a URL${expected}`);
};

/** Comma-separated list: `a, b,c` → ['a', 'b', 'c']. Blank items are dropped; at least one is required. */
export const commaList = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((raw) =>
      raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    )
    .pipe(z.array(item).min(1, 'must list at least one value, comma-separated'));

/** A secret (password, token, key): never logged, never printed in errors, shown as such in the docs. */
export const secret = () => z.string().min(1, 'must not be empty').meta({ secret: true });

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** What every service has: identity, logs, HTTP listener, shutdown budget. */
export const baseConfig = {
  SERVICE_NAME: z
    .string()
    .min(1)
    .optional()
    .describe('Name in logs and metrics; defaults to the service folder.'),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })
    .default('info')
    .describe('pino level.'),
  LOG_PRETTY: booleanFlag()
    .default(false)
    .describe('Human-readable logs for a terminal instead of JSON lines.'),
  HOST: z.string().trim().min(1).default('0.0.0.0').describe('Interface the HTTP server listens on.'),
  PORT: port().default(3000).describe('HTTP port (health, readiness, metrics and the service API).'),
  SHUTDOWN_TIMEOUT_MS: durationMs()
    .default(10_000)
    .describe('Budget for a graceful stop (HTTP, consumers, connections) before the process exits with 1.'),
};

/** NATS JetStream connection and stream sizing. */
export const natsConfig = {
  NATS_URL: commaList(url(['nats', 'tls', 'ws', 'wss'])).describe(
    'NATS server URL(s), comma-separated for a cluster, e.g. nats://127.0.0.1:4222.',
  ),
  NATS_NAMESPACE: z
    .string()
    .trim()
    .refine((prefix) => {
      try {
        namespaced(prefix);
        return true;
      } catch {
        return false;
      }
    }, 'must be empty or 1-16 lowercase letters/digits starting with a letter')
    .default('')
    .describe('Prefix of streams, subjects and buckets; empty in production, a unique token in tests.'),
  STREAM_REPLICAS: integer(1, 5)
    .default(1)
    .describe('Replicas of the streams this service owns: 1 locally, 3 in production.'),
};

/** Postgres connection of a service that owns a database. */
export const databaseConfig = {
  DATABASE_URL: url(['postgres', 'postgresql']).meta({
    secret: true,
    description: 'Postgres connection string; it holds the password, so it is treated as a secret.',
  }),
  DATABASE_POOL_MAX: integer(1, 100).default(10).describe('Maximum connections in the pool.'),
};

/** Everything a service with HTTP, NATS and Postgres needs: spread it into the service's own schema. */
export const commonConfig = { ...baseConfig, ...natsConfig, ...databaseConfig };
