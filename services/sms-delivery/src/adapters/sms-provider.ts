import type { SmsEncoding } from '../domain/sms-text.ts';

export const SMS_PROVIDER_NAMES = ['twilio', 'vonage', 'brevo', 'free-mobile'] as const;
export type SmsProviderName = (typeof SMS_PROVIDER_NAMES)[number];

export interface OutgoingSms {
  notificationId: string;
  /** E.164, checked before any provider is called. */
  to: string;
  text: string;
  encoding: SmsEncoding;
  segments: number;
  recipientKind: 'customer' | 'staff' | 'professional';
  /** Where the provider reports delivery (Twilio), with the notification id in it. */
  statusCallbackUrl: string | null;
}

export interface SmsReceipt {
  providerMessageId: string;
  /** From the provider's answer (EUR micros); null when it did not say (the price table is used then). */
  costMicros: number | null;
  /** The provider's own word for the state of the message ("queued", "accepted", "0"…). */
  providerStatus: string;
}

export interface SmsProvider {
  readonly name: SmsProviderName;
  /** False when this provider cannot reach the recipient at all (Free Mobile only reaches its account owner). */
  canReach(sms: OutgoingSms): boolean;
  send(sms: OutgoingSms, options: { timeoutMs: number }): Promise<SmsReceipt>;
  close?(): Promise<void>;
}

/**
 * - `recipient`: the number itself is refused (invalid, unsubscribed, not a mobile): every provider would refuse it,
 *   so the chain stops and the notification fails for good.
 * - `unavailable`: the provider is in trouble or refuses us for now (network, timeout, 5xx, 429, credentials, no
 *   credit): try the next provider; counts towards opening this provider's circuit.
 * - `rejected`: this provider refused this message for another reason: try the next one; says nothing about the
 *   provider's health.
 */
export type SmsFailureKind = 'recipient' | 'unavailable' | 'rejected';

/**
 * Providers quote the number in some refusals ("The 'To' number +336… is not a valid phone number"): the reason
 * travels into status events, the database and logs, so numbers are blanked out of it.
 */
export const scrubNumbers = (text: string): string => text.replace(/\+?\d[\d .-]{6,}\d/g, '[number]');

export class SmsProviderError extends Error {
  override readonly name = 'SmsProviderError';
  readonly provider: SmsProviderName;
  readonly kind: SmsFailureKind;
  /** The provider's error code (Twilio 21211, Vonage status 7, Brevo invalid_parameter…). */
  readonly code: string | null;
  readonly httpStatus: number | null;
  /** From a Retry-After header, when the provider sent one. */
  readonly retryAfterMs: number | null;
  constructor(
    provider: SmsProviderName,
    kind: SmsFailureKind,
    message: string,
    details: {
      code?: string | number | null;
      httpStatus?: number | null;
      retryAfterMs?: number | null;
      cause?: unknown;
    } = {},
  ) {
    super(
      `${provider}: ${scrubNumbers(message)}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.provider = provider;
    this.kind = kind;
    this.code = details.code === undefined || details.code === null ? null : String(details.code);
    this.httpStatus = details.httpStatus ?? null;
    this.retryAfterMs = details.retryAfterMs ?? null;
  }
}

/** Retry-After in seconds or as an HTTP date. */
export const retryAfterMs = (
  header: string | string[] | undefined | null,
  now = Date.now(),
): number | null => {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
};

/** "-0.07900" (Twilio), "0.03330000" (Vonage) → 79000 micros; null when absent or not a number. */
export const priceToMicros = (price: string | number | null | undefined): number | null => {
  if (price === null || price === undefined || price === '') return null;
  const value = Math.abs(Number(price));
  return Number.isFinite(value) ? Math.round(value * 1_000_000) : null;
};

// Errors thrown by undici / Node for a provider we could not talk to properly.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** A failure before any HTTP answer (refused, reset, timed out): the provider is unavailable. */
export const networkFailure = (provider: SmsProviderName, error: unknown): SmsProviderError => {
  const e = error as { code?: unknown; name?: unknown; message?: unknown; cause?: { code?: unknown } };
  const code =
    typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : null;
  const timedOut = e?.name === 'TimeoutError' || e?.name === 'AbortError';
  const what = timedOut
    ? 'no answer in time'
    : code && NETWORK_CODES.has(code)
      ? code
      : String(e?.message ?? error);
  return new SmsProviderError(provider, 'unavailable', `request failed: ${what}`, { code, cause: error });
};
