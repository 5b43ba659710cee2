import { request } from 'undici';
import { z } from 'zod';
import {
  networkFailure,
  type OutgoingSms,
  priceToMicros,
  retryAfterMs,
  type SmsProvider,
  SmsProviderError,
} from './sms-provider.ts';

export interface VonageOptions {
  apiKey: string;
  apiSecret: string;
  /** Sender id or number. */
  from: string;
  /** https://rest.nexmo.com in production. */
  baseUrl: string;
}

// Vonage SMS API statuses (one per message part). 1 throttled and 5 internal error are worth another try; 4 bad
// credentials, 8 account barred, 9 no credit, 11 HTTP not enabled, 14 bad signature, 32 auth method refused: the
// account is unusable for now. 7 number barred (the recipient blocked us) and 33 number de-activated are about
// the recipient: like Twilio's 21610 / 21211.
const TRANSIENT = new Set(['1', '5']);
const ACCOUNT = new Set(['4', '8', '9', '11', '14', '32']);
export const VONAGE_RECIPIENT_STATUSES = new Set(['7', '33']);

const Answer = z.object({
  'message-count': z.union([z.string(), z.number()]),
  messages: z
    .array(
      z.object({
        status: z.union([z.string(), z.number()]).transform(String),
        'message-id': z.string().optional(),
        'message-price': z.union([z.string(), z.number()]).optional(),
        'error-text': z.string().optional(),
      }),
    )
    .min(1),
});

export const createVonageProvider = (options: VonageOptions & { timeoutMs: number }): SmsProvider => {
  const url = new URL('/sms/json', options.baseUrl).toString();
  return {
    name: 'vonage',
    canReach: () => true,
    async send(sms: OutgoingSms) {
      const form = new URLSearchParams({
        api_key: options.apiKey,
        api_secret: options.apiSecret,
        from: options.from,
        to: sms.to.replace(/^\+/, ''),
        text: sms.text,
        type: sms.encoding === 'UCS-2' ? 'unicode' : 'text',
        'client-ref': sms.notificationId,
      });
      let response: Awaited<ReturnType<typeof request>>;
      try {
        response = await request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: form.toString(),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        throw networkFailure('vonage', error);
      }
      const status = response.statusCode;
      const raw = await response.body.text().catch(() => '');
      if (status === 429 || status >= 500 || status === 401 || status === 403) {
        throw new SmsProviderError('vonage', 'unavailable', `HTTP ${status}`, {
          httpStatus: status,
          retryAfterMs: retryAfterMs(response.headers['retry-after']),
        });
      }
      const parsed = status === 200 ? Answer.safeParse(safeJson(raw)) : null;
      if (!parsed?.success) {
        throw new SmsProviderError(
          'vonage',
          status === 200 ? 'unavailable' : 'rejected',
          `unexpected answer (HTTP ${status})`,
          {
            httpStatus: status,
          },
        );
      }
      const failed = parsed.data.messages.find((m) => m.status !== '0');
      if (failed) {
        const what = `status ${failed.status}: ${failed['error-text'] ?? 'refused'}`;
        const kind = VONAGE_RECIPIENT_STATUSES.has(failed.status)
          ? 'recipient'
          : TRANSIENT.has(failed.status) || ACCOUNT.has(failed.status)
            ? 'unavailable'
            : 'rejected';
        throw new SmsProviderError('vonage', kind, what, { code: failed.status, httpStatus: status });
      }
      // A long text is split by Vonage into several messages, each with its id and price.
      const prices = parsed.data.messages.map((m) => priceToMicros(m['message-price']));
      return {
        providerMessageId: parsed.data.messages[0]!['message-id'] ?? `vonage:${sms.notificationId}`,
        costMicros: prices.every((p) => p !== null) ? prices.reduce((a, b) => a! + b!, 0) : null,
        providerStatus: '0',
      };
    },
  };
};

const safeJson = (raw: string): unknown => {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
};
