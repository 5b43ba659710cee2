import { createEmulatorApp, type EmulatorServer, listenEmulator, sleep } from './sms-emulator-server.ts';
import { ProviderFaults } from './sms-faults.ts';
import { type CapturedSms, SmsStore } from './sms-store.ts';

export interface BrevoEmulatorOptions {
  host?: string;
  port?: number;
  apiKey?: string;
  store?: SmsStore;
}

export interface BrevoEmulator extends EmulatorServer {
  readonly apiKey: string;
  readonly store: SmsStore;
  /** Faults answered as Brevo does: the status with `{ code, message }` (e.g. 400 invalid_parameter, 402 not_enough_credits). */
  readonly faults: ProviderFaults;
  readonly requests: number;
  messages(): CapturedSms[];
}

/** Speaks Brevo's transactional SMS API (POST /v3/transactionalSMS/send, `api-key` header, JSON) on a local port. */
export const startBrevoEmulator = async (options: BrevoEmulatorOptions = {}): Promise<BrevoEmulator> => {
  const apiKey = options.apiKey ?? 'xkeysib-emulator-0123456789abcdef';
  const store = options.store ?? new SmsStore();
  const faults = new ProviderFaults();
  const app = createEmulatorApp(store, 'brevo', faults);
  let requests = 0;
  let nextId = 1_511_882_900_176_220;

  app.post('/v3/transactionalSMS/send', async (req, reply) => {
    requests += 1;
    if (faults.delayMs) await sleep(faults.delayMs);
    if (req.headers['api-key'] !== apiKey) {
      return reply.code(401).send({ code: 'unauthorized', message: 'Key not found' });
    }
    const body = (req.body ?? {}) as { sender?: string; recipient?: string; content?: string };
    const fault = faults.take(body.recipient ?? null);
    if (fault) {
      if (fault.retryAfterSeconds !== undefined) reply.header('retry-after', String(fault.retryAfterSeconds));
      return reply
        .code(fault.status)
        .send({ code: String(fault.code ?? 'error'), message: fault.message ?? 'Error' });
    }
    if (!body.recipient || !/^[1-9]\d{6,14}$/.test(body.recipient)) {
      return reply.code(400).send({ code: 'invalid_parameter', message: 'Invalid recipient phone number' });
    }
    if (!body.content)
      return reply.code(400).send({ code: 'missing_parameter', message: 'content is missing' });
    if (!body.sender)
      return reply.code(400).send({ code: 'missing_parameter', message: 'sender is missing' });
    const messageId = nextId++;
    store.add({
      id: String(messageId),
      provider: 'brevo',
      to: body.recipient,
      from: body.sender,
      text: body.content,
      meta: {},
    });
    return reply.code(201).send({ messageId });
  });

  const server = await listenEmulator(app, options.host, options.port);
  return {
    ...server,
    apiKey,
    store,
    faults,
    get requests() {
      return requests;
    },
    messages: () => store.list({ provider: 'brevo' }),
  };
};
