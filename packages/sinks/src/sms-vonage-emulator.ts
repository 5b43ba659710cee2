import { randomBytes } from 'node:crypto';
import { createEmulatorApp, type EmulatorServer, listenEmulator, sleep } from './sms-emulator-server.ts';
import { ProviderFaults } from './sms-faults.ts';
import { type CapturedSms, SmsStore } from './sms-store.ts';

export interface VonageEmulatorOptions {
  host?: string;
  port?: number;
  apiKey?: string;
  apiSecret?: string;
  store?: SmsStore;
  /** Price of one message part in the account currency, as Vonage answers it. */
  pricePerPart?: string;
}

export interface VonageEmulator extends EmulatorServer {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly store: SmsStore;
  /**
   * HTTP faults (429, 5xx) are answered as such; a fault with status 200 and a `code` is answered the way Vonage
   * reports refusals: HTTP 200 with `messages: [{ status: code, "error-text" }]` (e.g. 7 number barred, 1 throttled).
   */
  readonly faults: ProviderFaults;
  readonly requests: number;
  messages(): CapturedSms[];
}

/** Speaks Vonage's SMS API (POST /sms/json, form or JSON body with api_key/api_secret) on a local port. */
export const startVonageEmulator = async (options: VonageEmulatorOptions = {}): Promise<VonageEmulator> => {
  const apiKey = options.apiKey ?? 'emulator-key';
  const apiSecret = options.apiSecret ?? 'emulator-secret';
  const store = options.store ?? new SmsStore();
  const faults = new ProviderFaults();
  const app = createEmulatorApp(store, 'vonage', faults);
  let requests = 0;

  const refused = (status: string, text: string) => ({
    'message-count': '1',
    messages: [{ status, 'error-text': text }],
  });

  app.post('/sms/json', async (req, reply) => {
    requests += 1;
    if (faults.delayMs) await sleep(faults.delayMs);
    const body = (req.body ?? {}) as Record<string, string>;
    if (body.api_key !== apiKey || body.api_secret !== apiSecret) {
      return reply.code(200).send(refused('4', 'Bad Credentials'));
    }
    const fault = faults.take(body.to ?? null);
    if (fault) {
      if (fault.status !== 200) {
        if (fault.retryAfterSeconds !== undefined)
          reply.header('retry-after', String(fault.retryAfterSeconds));
        return reply.code(fault.status).send({ type: 'about:blank', title: fault.message ?? 'Error' });
      }
      return reply.code(200).send(refused(String(fault.code ?? '5'), fault.message ?? 'Internal Error'));
    }
    if (!body.to || !/^[1-9]\d{6,14}$/.test(body.to))
      return reply.code(200).send(refused('3', 'Invalid to address'));
    if (!body.text) return reply.code(200).send(refused('2', 'Missing text param'));
    if (!body.from) return reply.code(200).send(refused('2', 'Missing from param'));
    const first = randomBytes(8).toString('hex').toUpperCase();
    const captured = store.add({
      id: first,
      provider: 'vonage',
      to: body.to,
      from: body.from,
      text: body.text,
      meta: { type: body.type ?? 'text', clientRef: body['client-ref'] ?? null },
    });
    // A concatenated text is billed and reported as one message per part.
    const parts = Array.from({ length: captured.segments }, (_, i) => ({
      to: body.to,
      'message-id': i === 0 ? first : randomBytes(8).toString('hex').toUpperCase(),
      status: '0',
      'remaining-balance': '10.00000000',
      'message-price': options.pricePerPart ?? '0.07200000',
      network: '20801',
      ...(body['client-ref'] ? { 'client-ref': body['client-ref'] } : {}),
    }));
    return reply.code(200).send({ 'message-count': String(parts.length), messages: parts });
  });

  const server = await listenEmulator(app, options.host, options.port);
  return {
    ...server,
    apiKey,
    apiSecret,
    store,
    faults,
    get requests() {
      return requests;
    },
    messages: () => store.list({ provider: 'vonage' }),
  };
};
