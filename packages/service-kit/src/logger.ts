import { hostname } from 'node:os';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import pretty from 'pino-pretty';
import { maskEmail, maskPersonalData, maskPhone } from './masking.ts';

export type { Logger } from 'pino';

const SECRET_KEYS = [
  'password',
  'passwd',
  'secret',
  'clientSecret',
  'webhookSecret',
  'signingSecret',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'authToken',
  'apiKey',
  'api_key',
  'apikey',
  'privateKey',
  'authorization',
  'cookie',
  'credentials',
  'connectionString',
  'databaseUrl',
  'DATABASE_URL',
];
const EMAIL_KEYS = ['email', 'emailAddress', 'customerEmail'];
const PHONE_KEYS = ['phone', 'phoneNumber', 'mobile', 'customerPhone'];
// Headers that authenticate a caller or sign a webhook: a replay needs nothing else.
const HEADER_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["stripe-signature"]',
  'req.headers["x-twilio-signature"]',
  'req.headers["x-hub-signature-256"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];
// The redaction library has no recursive wildcard: cover the key itself and up to three levels of nesting.
const atAnyDepth = (key: string) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`];

export const REDACTED_PATHS: readonly string[] = [
  ...[...SECRET_KEYS, ...EMAIL_KEYS, ...PHONE_KEYS].flatMap(atAnyDepth),
  ...HEADER_PATHS,
];

const censor = (value: unknown, path: string[]): unknown => {
  const key = path[path.length - 1] ?? '';
  if (typeof value === 'string' && EMAIL_KEYS.includes(key)) return maskEmail(value);
  if (typeof value === 'string' && PHONE_KEYS.includes(key)) return maskPhone(value);
  if (value === null || value === undefined) return value;
  return '[REDACTED]';
};

/**
 * Masks e-mail addresses and phone numbers in every line before it is written: messages, error messages and
 * stacks (Postgres puts the offending value in its errors), URLs. Key redaction alone misses those.
 */
export const maskingStream = (destination: DestinationStream): DestinationStream => {
  const target = destination as DestinationStream & {
    flush?: (cb?: (err?: Error) => void) => void;
    flushSync?: () => void;
  };
  return Object.assign(
    { write: (line: string) => target.write(maskPersonalData(line)) },
    target.flush ? { flush: (cb?: (err?: Error) => void) => target.flush?.(cb) } : {},
    target.flushSync ? { flushSync: () => target.flushSync?.() } : {},
  );
};

export interface CreateLoggerOptions {
  service: string;
  level?: string;
  /** Human-readable lines for a terminal (pino-pretty) instead of JSON. */
  pretty?: boolean;
  /** Where lines go; stdout by default. Tests pass a stream to read what was written. */
  destination?: DestinationStream;
}

/** The service logger: JSON lines, ISO timestamps, secrets redacted, e-mails and phones masked. */
export const createLogger = ({
  service,
  level = 'info',
  pretty: human = false,
  destination,
}: CreateLoggerOptions): Logger => {
  const options: LoggerOptions = {
    level,
    base: { service, pid: process.pid, host: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...REDACTED_PATHS], censor },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  };
  const target =
    destination ??
    (human ? pretty({ colorize: true, sync: true }) : pino.destination({ dest: 1, sync: true }));
  return pino(options, maskingStream(target));
};
