import { request } from 'undici';
import { z } from 'zod';
import {
  networkFailure,
  type OutgoingSms,
  retryAfterMs,
  type SmsProvider,
  SmsProviderError,
} from './sms-provider.ts';

export interface BrevoOptions {
  apiKey: string;
  /** Alphanumeric sender (11 characters at most) or number. */
  sender: string;
  /** https://api.brevo.com in production. */
  baseUrl: string;
  /** Tag shown in Brevo's statistics. */
  tag?: string;
}

const Accepted = z.object({ messageId: z.union([z.number(), z.string()]).transform(String) });
const Refusal = z.object({ code: z.string().optional(), message: z.string().optional() }).passthrough();

// Brevo answers 400 {code: "invalid_parameter", message} for a bad number and refuses numbers that unsubscribed
// (blacklisted contacts) the same way: the message text tells them apart from other bad parameters.
const RECIPIENT_WORDS = /\b(recipient|phone number|mobile number|blacklist|blocklist|unsubscribed)\b/i;

export const createBrevoProvider = (options: BrevoOptions & { timeoutMs: number }): SmsProvider => {
  const url = new URL('/v3/transactionalSMS/send', options.baseUrl).toString();
  return {
    name: 'brevo',
    canReach: () => true,
    async send(sms: OutgoingSms) {
      let response: Awaited<ReturnType<typeof request>>;
      try {
        response = await request(url, {
          method: 'POST',
          headers: {
            'api-key': options.apiKey,
            'content-type': 'application/json',
            accept: 'application/json',
          },
          body: JSON.stringify({
            sender: options.sender,
            recipient: sms.to.replace(/^\+/, ''),
            content: sms.text,
            type: 'transactional',
            unicodeEnabled: sms.encoding === 'UCS-2',
            ...(options.tag ? { tag: options.tag } : {}),
          }),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        throw networkFailure('brevo', error);
      }
      const status = response.statusCode;
      const raw = await response.body.text().catch(() => '');
      let body: unknown = null;
      try {
        body = JSON.parse(raw);
      } catch {
        // Not JSON: judged by the status alone.
      }
      if (status >= 200 && status < 300) {
        const accepted = Accepted.safeParse(body);
        if (!accepted.success) {
          throw new SmsProviderError('brevo', 'unavailable', `unexpected answer (HTTP ${status})`, {
            httpStatus: status,
          });
        }
        // The current endpoint answers with the message id only: the cost comes from the price table.
        return { providerMessageId: accepted.data.messageId, costMicros: null, providerStatus: 'accepted' };
      }
      const refusal = Refusal.safeParse(body);
      const code = refusal.success ? (refusal.data.code ?? null) : null;
      const message = refusal.success ? (refusal.data.message ?? '') : '';
      const what = `HTTP ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
      const details = {
        code,
        httpStatus: status,
        retryAfterMs: retryAfterMs(response.headers['retry-after']),
      };
      // 401 bad key, 402 not enough credits, 429 rate limited, 5xx: Brevo is unusable for now.
      if (status === 401 || status === 402 || status === 403 || status === 429 || status >= 500) {
        throw new SmsProviderError('brevo', 'unavailable', what, details);
      }
      if (status === 400 && RECIPIENT_WORDS.test(message)) {
        throw new SmsProviderError('brevo', 'recipient', what, details);
      }
      throw new SmsProviderError('brevo', 'rejected', what, details);
    },
  };
};
