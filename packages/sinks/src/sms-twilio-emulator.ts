import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { request } from 'undici';
import { createEmulatorApp, type EmulatorServer, listenEmulator, sleep } from './sms-emulator-server.ts';
import { type ProviderFault, ProviderFaults } from './sms-faults.ts';
import { type CapturedSms, SmsStore } from './sms-store.ts';

export interface TwilioEmulatorOptions {
  host?: string;
  port?: number;
  accountSid?: string;
  authToken?: string;
  store?: SmsStore;
  /** Price put in the answer, e.g. "-0.07900" (Twilio usually answers null and prices later). */
  price?: string | null;
  priceUnit?: string;
  /** Fire signed status callbacks on its own: sent, then `status` after `delayMs` (the demo). */
  autoReport?: { status: 'delivered' | 'undelivered' | 'failed'; delayMs: number; errorCode?: string } | null;
}

export interface TwilioEmulator extends EmulatorServer {
  readonly accountSid: string;
  readonly authToken: string;
  readonly store: SmsStore;
  readonly faults: ProviderFaults;
  /** Requests to the Messages API, accepted or not. */
  readonly requests: number;
  messages(): CapturedSms[];
  /**
   * Posts a status callback for message `sid` to the StatusCallback it was created with, signed like Twilio
   * (X-Twilio-Signature). Returns the HTTP status the application answered.
   */
  report(
    sid: string,
    status: string,
    options?: { errorCode?: string; signature?: string | null; url?: string },
  ): Promise<number>;
}

const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

/** Twilio's error body: { code, message, more_info, status }. */
const errorBody = (fault: ProviderFault) => ({
  code: fault.code === undefined ? null : Number(fault.code),
  message: fault.message ?? 'Error',
  more_info: fault.code === undefined ? null : `https://www.twilio.com/docs/errors/${fault.code}`,
  status: fault.status,
});

/**
 * Speaks Twilio's Messages API (POST /2010-04-01/Accounts/{AccountSid}/Messages.json, basic auth, form body,
 * JSON answer) on a local port, so the real `twilio` SDK can be pointed at it; fires signed status callbacks.
 */
export const startTwilioEmulator = async (options: TwilioEmulatorOptions = {}): Promise<TwilioEmulator> => {
  const accountSid = options.accountSid ?? `AC${'0'.repeat(30)}01`;
  const authToken = options.authToken ?? 'emulator-auth-token-0123456789abcdef';
  const store = options.store ?? new SmsStore();
  const faults = new ProviderFaults();
  const app = createEmulatorApp(store, 'twilio', faults);
  let requests = 0;
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;

  const report: TwilioEmulator['report'] = async (messageSid, status, reportOptions = {}) => {
    const message = store.get(messageSid);
    const url = reportOptions.url ?? (message?.meta.statusCallback as string | undefined);
    if (!message || !url) throw new Error(`twilio emulator: no message ${messageSid} with a StatusCallback`);
    const params: Record<string, string> = {
      AccountSid: accountSid,
      ApiVersion: '2010-04-01',
      From: message.from ?? '',
      MessageSid: messageSid,
      MessageStatus: status,
      SmsSid: messageSid,
      SmsStatus: status,
      To: message.to,
      ...(reportOptions.errorCode ? { ErrorCode: reportOptions.errorCode } : {}),
    };
    const signature =
      reportOptions.signature === undefined
        ? twilio.getExpectedTwilioSignature(authToken, url, params)
        : reportOptions.signature;
    const response = await request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(signature === null ? {} : { 'x-twilio-signature': signature }),
      },
      body: new URLSearchParams(params).toString(),
    });
    await response.body.dump();
    if (response.statusCode < 300) store.setStatus(messageSid, status);
    return response.statusCode;
  };

  app.post('/2010-04-01/Accounts/:accountSid/Messages.json', async (req, reply) => {
    requests += 1;
    if (faults.delayMs) await sleep(faults.delayMs);
    const { accountSid: pathSid } = req.params as { accountSid: string };
    if (req.headers.authorization !== expectedAuth || pathSid !== accountSid) {
      return reply.code(401).send(errorBody({ status: 401, code: 20003, message: 'Authenticate' }));
    }
    const body = (req.body ?? {}) as Record<string, string>;
    const to = body.To ?? '';
    const fault = faults.take(to);
    if (fault) {
      if (fault.retryAfterSeconds !== undefined) reply.header('retry-after', String(fault.retryAfterSeconds));
      return reply.code(fault.status).send(errorBody(fault));
    }
    if (!/^\+[1-9]\d{6,14}$/.test(to)) {
      return reply.code(400).send(
        errorBody({
          status: 400,
          code: 21211,
          message: `The 'To' number ${to} is not a valid phone number.`,
        }),
      );
    }
    if (!body.Body)
      return reply
        .code(400)
        .send(errorBody({ status: 400, code: 21602, message: 'Message body is required.' }));
    if (!body.From && !body.MessagingServiceSid) {
      return reply
        .code(400)
        .send(errorBody({ status: 400, code: 21603, message: "A 'From' phone number is required." }));
    }
    const messageSid = sid('SM');
    const captured = store.add({
      id: messageSid,
      provider: 'twilio',
      to,
      from: body.From ?? body.MessagingServiceSid ?? null,
      text: body.Body,
      meta: {
        statusCallback: body.StatusCallback ?? null,
        messagingServiceSid: body.MessagingServiceSid ?? null,
      },
      status: 'queued',
    });
    if (options.autoReport && body.StatusCallback) {
      const auto = options.autoReport;
      setTimeout(() => {
        void report(messageSid, 'sent')
          .then(() => sleep(auto.delayMs))
          .then(() => report(messageSid, auto.status, auto.errorCode ? { errorCode: auto.errorCode } : {}))
          .catch(() => undefined);
      }, 50);
    }
    const now = new Date().toUTCString();
    return reply.code(201).send({
      account_sid: accountSid,
      api_version: '2010-04-01',
      body: body.Body,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: body.From ?? null,
      messaging_service_sid: body.MessagingServiceSid ?? null,
      num_media: '0',
      num_segments: String(captured.segments),
      price: options.price ?? null,
      price_unit: options.priceUnit ?? 'EUR',
      sid: messageSid,
      status: 'queued',
      subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${messageSid}/Media.json` },
      to,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${messageSid}.json`,
    });
  });

  const server = await listenEmulator(app, options.host, options.port);
  return {
    ...server,
    accountSid,
    authToken,
    store,
    faults,
    get requests() {
      return requests;
    },
    messages: () => store.list({ provider: 'twilio' }),
    report,
  };
};
