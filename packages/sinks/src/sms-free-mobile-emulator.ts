import { createEmulatorApp, type EmulatorServer, listenEmulator, sleep } from './sms-emulator-server.ts';
import { ProviderFaults } from './sms-faults.ts';
import { type CapturedSms, SmsStore } from './sms-store.ts';

export interface FreeMobileEmulatorOptions {
  host?: string;
  port?: number;
  user?: string;
  pass?: string;
  /** The subscriber's own number: every message goes there (it is all the API can do). */
  ownerPhone?: string;
  store?: SmsStore;
}

export interface FreeMobileEmulator extends EmulatorServer {
  readonly user: string;
  readonly pass: string;
  readonly ownerPhone: string;
  readonly store: SmsStore;
  /** Faults answered with their status and an empty body, as Free Mobile does (402 too many, 403, 500). */
  readonly faults: ProviderFaults;
  readonly requests: number;
  messages(): CapturedSms[];
}

let counter = 0;

/** Speaks Free Mobile's "notifications par SMS" API (GET /sendmsg?user&pass&msg) on a local port. */
export const startFreeMobileEmulator = async (
  options: FreeMobileEmulatorOptions = {},
): Promise<FreeMobileEmulator> => {
  const user = options.user ?? '12345678';
  const pass = options.pass ?? 'emulatorpass';
  const ownerPhone = options.ownerPhone ?? '+33611111111';
  const store = options.store ?? new SmsStore();
  const faults = new ProviderFaults();
  const app = createEmulatorApp(store, 'free-mobile', faults);
  let requests = 0;

  app.get('/sendmsg', async (req, reply) => {
    requests += 1;
    if (faults.delayMs) await sleep(faults.delayMs);
    const q = req.query as Record<string, string | undefined>;
    if (!q.user || !q.pass || q.msg === undefined || q.msg === '') return reply.code(400).send();
    if (q.user !== user || q.pass !== pass) return reply.code(403).send();
    const fault = faults.take(ownerPhone);
    if (fault) return reply.code(fault.status).send();
    store.add({
      id: `free-${++counter}`,
      provider: 'free-mobile',
      to: ownerPhone,
      from: null,
      text: q.msg,
      meta: {},
    });
    return reply.code(200).send();
  });

  const server = await listenEmulator(app, options.host, options.port);
  return {
    ...server,
    user,
    pass,
    ownerPhone,
    store,
    faults,
    get requests() {
      return requests;
    },
    messages: () => store.list({ provider: 'free-mobile' }),
  };
};
