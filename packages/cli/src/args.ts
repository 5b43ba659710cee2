import { parseArgs } from 'node:util';
import { TZDate } from '@date-fns/tz';
import { UsageError } from './command.ts';

type OptionType = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };
export type OptionSpec = Record<string, OptionType>;

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  namespace: { type: 'string' },
  reveal: { type: 'boolean' },
} as const satisfies OptionSpec;

export const COMMON_HELP = `Common options:
  --namespace <prefix>   stream/subject prefix (default: NATS_NAMESPACE, empty in production)
  --reveal               print e-mail addresses and phone numbers in clear (masked by default)
  -h, --help             this help`;

type Values<O extends OptionSpec> = {
  [K in keyof O]?: O[K] extends { type: 'boolean' }
    ? boolean
    : O[K] extends { multiple: true }
      ? string[]
      : string;
};

export interface ParsedArgs<O extends OptionSpec> {
  values: Values<O & typeof COMMON_OPTIONS>;
  positionals: string[];
}

/**
 * util.parseArgs in strict mode (unknown options and missing values are errors), turned into UsageErrors that
 * carry the command's usage. `positionals` bounds the number of words after the command.
 */
export const parseCommandArgs = <O extends OptionSpec>(
  args: string[],
  options: O,
  usage: string,
  positionals: { min: number; max: number; names?: string },
): ParsedArgs<O> => {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      options: { ...COMMON_OPTIONS, ...options },
      strict: true,
      allowPositionals: true,
    }) as { values: Record<string, unknown>; positionals: string[] };
  } catch (error) {
    throw new UsageError(
      (error as Error).message.replace(/\. To specify a positional argument.*$/s, ''),
      usage,
    );
  }
  if (parsed.values.help)
    return { values: parsed.values as Values<O & typeof COMMON_OPTIONS>, positionals: [] };
  const n = parsed.positionals.length;
  if (n < positionals.min) {
    throw new UsageError(`missing argument${positionals.names ? `: ${positionals.names}` : ''}`, usage);
  }
  if (n > positionals.max) {
    throw new UsageError(
      `unexpected argument: ${parsed.positionals.slice(positionals.max).join(' ')}`,
      usage,
    );
  }
  return { values: parsed.values as Values<O & typeof COMMON_OPTIONS>, positionals: parsed.positionals };
};

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;

/** `90s`, `15m`, `2h`, `7d` → milliseconds; undefined when `raw` is not a duration. */
export const parseDuration = (raw: string): number | undefined => {
  const m = DURATION.exec(raw.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
};

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * A point in time for --since/--from/--until: a duration back from now (`2h`, `3d`), an ISO instant with an offset
 * (`2026-03-14T09:00:00Z`), or a Paris wall-clock time (`2026-03-14 10:00`, `2026-03-14` = midnight in Paris): the
 * people reporting a problem speak in Paris time.
 */
export const parseInstant = (raw: string, now: Date, what: string, usage?: string): Date => {
  const duration = parseDuration(raw);
  if (duration !== undefined) return new Date(now.getTime() - duration);
  const local = LOCAL.exec(raw.trim());
  if (local) {
    const [, y, mo, d, h, mi, s] = local;
    const date = new TZDate(
      Number(y),
      Number(mo) - 1,
      Number(d),
      Number(h ?? 0),
      Number(mi ?? 0),
      Number(s ?? 0),
      'Europe/Paris',
    );
    if (!Number.isNaN(date.getTime()) && date.getDate() === Number(d)) return new Date(date.getTime());
  } else if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(raw.trim())) {
    const date = new Date(raw.trim());
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new UsageError(
    `${what}: "${raw}" is neither a duration (90s, 15m, 2h, 7d) nor a time (2026-03-14T09:00:00Z, or Paris time 2026-03-14 10:00)`,
    usage,
  );
};

export const parsePositiveInt = (raw: string, what: string, usage?: string): number => {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new UsageError(`${what} must be a positive integer, got "${raw}"`, usage);
  }
  return Number(raw);
};

export const parseNonNegativeInt = (raw: string, what: string, usage?: string): number => {
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(Number(raw))) {
    throw new UsageError(`${what} must be a non-negative integer, got "${raw}"`, usage);
  }
  return Number(raw);
};

/** A stream position: a sequence number, or a time (see parseInstant). */
export type StreamPosition = { seq: number } | { time: Date };

export const parseStreamPosition = (raw: string, now: Date, what: string, usage?: string): StreamPosition =>
  /^\d+$/.test(raw.trim())
    ? { seq: parsePositiveInt(raw, what, usage) }
    : { time: parseInstant(raw, now, what, usage) };
