import twilio from 'twilio';
import {
  networkFailure,
  type OutgoingSms,
  priceToMicros,
  type SmsProvider,
  SmsProviderError,
} from './sms-provider.ts';

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  /** Sender: a Twilio number or an alphanumeric sender id ("ExpressQuote"). */
  from?: string | undefined;
  /** Or a Messaging Service (it then picks the sender). One of `from` / `messagingServiceSid` is required. */
  messagingServiceSid?: string | undefined;
  /** API origin; https://api.twilio.com in production, the local emulator in tests and the demo. */
  baseUrl: string;
}

// Refusals about the number itself: every provider would refuse it the same way.
// 21211 invalid 'To', 21217 'To' not valid, 21265 'To' is a short code, 21610 recipient replied STOP,
// 21612 'To' not reachable by SMS, 21614 'To' is not a mobile number.
export const TWILIO_RECIPIENT_CODES = new Set([21211, 21217, 21265, 21610, 21612, 21614]);

// 20003 authentication failed, 20005 account not active, 20429 too many requests: Twilio is unusable for now.
const TWILIO_ACCOUNT_CODES = new Set([20003, 20005, 20429]);

const DEFAULT_ORIGIN = 'https://api.twilio.com';

/**
 * The SDK's supported extension point for where requests go is its `httpClient` (Twilio documents custom HTTP
 * clients): this one keeps the SDK's own RequestClient (auth, form encoding, errors) and only swaps the origin of
 * `api.twilio.com` URLs for the configured one, so tests and the demo run the real client code against the emulator.
 */
class OriginRequestClient extends twilio.RequestClient {
  readonly #origin: URL;
  constructor(baseUrl: string, timeoutMs: number) {
    super({ timeout: timeoutMs, keepAlive: true, autoRetry: false });
    this.#origin = new URL(baseUrl);
  }
  override request<T>(opts: Parameters<twilio.RequestClient['request']>[0]) {
    const target = new URL(opts.uri);
    if (target.origin !== this.#origin.origin) {
      const prefix = this.#origin.pathname.replace(/\/$/, '');
      opts = { ...opts, uri: `${this.#origin.origin}${prefix}${target.pathname}${target.search}` };
    }
    return super.request<T>(opts as never);
  }
}

const asRestException = (error: unknown): { status: number; code: number | null; message: string } | null => {
  if (error instanceof twilio.RestException || (error as { name?: string })?.name === 'RestException') {
    const e = error as { status: number; code?: number; message: string };
    return { status: e.status, code: typeof e.code === 'number' ? e.code : null, message: e.message };
  }
  return null;
};

export const classifyTwilioError = (error: unknown): SmsProviderError => {
  const rest = asRestException(error);
  if (!rest) return networkFailure('twilio', error);
  const details = { code: rest.code, httpStatus: rest.status, cause: error };
  const what = `HTTP ${rest.status}${rest.code ? ` code ${rest.code}` : ''}: ${rest.message}`;
  if (rest.code !== null && TWILIO_RECIPIENT_CODES.has(rest.code)) {
    return new SmsProviderError('twilio', 'recipient', what, details);
  }
  if (rest.status === 429 || rest.status >= 500 || rest.status === 401 || rest.status === 403) {
    return new SmsProviderError('twilio', 'unavailable', what, details);
  }
  if (rest.code !== null && TWILIO_ACCOUNT_CODES.has(rest.code)) {
    return new SmsProviderError('twilio', 'unavailable', what, details);
  }
  return new SmsProviderError('twilio', 'rejected', what, details);
};

export const createTwilioProvider = (options: TwilioOptions & { timeoutMs: number }): SmsProvider => {
  if (!options.from && !options.messagingServiceSid) {
    throw new Error(
      'twilio: a sender (TWILIO_FROM) or a messaging service (TWILIO_MESSAGING_SERVICE_SID) is required',
    );
  }
  const httpClient = new OriginRequestClient(options.baseUrl || DEFAULT_ORIGIN, options.timeoutMs);
  const client = twilio(options.accountSid, options.authToken, { httpClient, autoRetry: false });
  return {
    name: 'twilio',
    canReach: () => true,
    async send(sms: OutgoingSms) {
      try {
        const message = await client.messages.create({
          to: sms.to,
          body: sms.text,
          ...(options.messagingServiceSid
            ? { messagingServiceSid: options.messagingServiceSid }
            : { from: options.from! }),
          ...(sms.statusCallbackUrl ? { statusCallback: sms.statusCallbackUrl } : {}),
        });
        return {
          providerMessageId: message.sid,
          // Twilio fills the price in later most of the time; a price in another currency is not ours to convert.
          costMicros: message.priceUnit?.toUpperCase() === 'EUR' ? priceToMicros(message.price) : null,
          providerStatus: message.status,
        };
      } catch (error) {
        throw classifyTwilioError(error);
      }
    },
  };
};
