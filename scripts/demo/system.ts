// The whole system on one machine: a mail sink, every service present in services/ as its own process, and a
// watcher of every stream. Shared by `make demo`, `make demo-check` and the end-to-end tests.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Namespace, namespaced } from '@express-quote/contracts';
import { type MailSink, type PhoneSinks, startMailSink, startPhoneSinks } from '@express-quote/sinks';
import {
  createTestDatabase,
  createTestNats,
  freePort,
  type Stack,
  startStack,
  uniqueToken,
} from '@express-quote/testing';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type Observed, watchStreams } from './timeline.ts';

export const SERVICE_NAMES = [
  'payments',
  'booking',
  'documents',
  'attribution',
  'notifications',
  'email-delivery',
  'sms-delivery',
  'whatsapp-delivery',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const DEFAULT_PORTS: Record<ServiceName, number> = {
  payments: 3001,
  booking: 3002,
  documents: 3003,
  attribution: 3004,
  notifications: 3005,
  'email-delivery': 3006,
  'sms-delivery': 3007,
  'whatsapp-delivery': 3008,
};

// Secrets of a local system: fixed so links printed by one demo run still verify in the next. Never production.
export const LOCAL_SECRETS = {
  STRIPE_WEBHOOK_SECRET: 'whsec_demo_local_only_0123456789abcdef',
  DOCUMENTS_URL_SECRET: 'demo-documents-url-secret-0123456789abcdef',
  ATTRIBUTION_LINK_SECRET: 'demo-attribution-link-secret-0123456789abcdef',
  ADMIN_TOKEN: 'demo-admin-token-0123456789abcdef',
} as const;

export interface SystemOptions {
  readonly root: string;
  /** true: own namespace, database and ephemeral ports, all removed by stop(). false: production names, fixed ports. */
  readonly isolated: boolean;
  readonly natsUrl?: string;
  readonly databaseUrl?: string;
  readonly logLevel?: string;
  /** Extra env for every service (e.g. shorter timeouts in tests). */
  readonly env?: Readonly<Record<string, string>>;
  readonly onEvent?: (event: Observed) => void;
  /**
   * false: the mail sink keeps raw messages without parsing them (envelopes, Message-ID and timestamps only). The
   * benchmark measures the pipeline, not mailparser running beside it on the same cores.
   */
  readonly parseMail?: boolean;
  /** Only these services (default: every service present in services/). */
  readonly services?: readonly ServiceName[];
  /**
   * false: no stream watcher (follow() and observed stay empty). The benchmark reads the streams itself; a second
   * set of consumers on every stream would add its own cost to the measure.
   */
  readonly watch?: boolean;
}

export interface RunningSystem {
  readonly present: readonly ServiceName[];
  readonly ns: Namespace;
  readonly mail: MailSink;
  /** SMS provider emulators (Twilio, Vonage, Brevo, Free Mobile) and the WhatsApp Cloud API emulator. */
  readonly phones: PhoneSinks;
  readonly logDir: string;
  readonly databaseUrl: string;
  readonly stack: Stack;
  url(service: ServiceName): string;
  has(service: ServiceName): boolean;
  /** Everything seen on the streams for the followed correlation id. */
  readonly observed: readonly Observed[];
  follow(correlationId: string): void;
  /** Stops everything; an isolated run also removes its logs unless `keepLogs` (a failed run wants them). */
  stop(options?: { keepLogs?: boolean }): Promise<void>;
}

export const startSystem = async (options: SystemOptions): Promise<RunningSystem> => {
  const natsUrl = options.natsUrl ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const present = SERVICE_NAMES.filter(
    (s) =>
      existsSync(join(options.root, 'services', s, 'src', 'main.ts')) &&
      (options.services === undefined || options.services.includes(s)),
  );
  const nats = options.isolated ? await createTestNats(natsUrl) : null;
  const ns = nats?.ns ?? namespaced('');
  const database = options.isolated ? await createTestDatabase() : null;
  const databaseUrl =
    database?.url ??
    options.databaseUrl ??
    process.env.DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/express_quote';
  const parse = options.parseMail ?? true;
  const mail = await startMailSink(options.isolated ? { parse } : { smtpPort: 1025, httpPort: 8025, parse });
  // Delivery reports (Twilio status callbacks, WhatsApp status webhooks) come back signed, shortly after each send.
  const phones = await startPhoneSinks({
    autoReportDelayMs: 200,
    ...(options.isolated
      ? {}
      : { ports: { twilio: 4010, vonage: 4011, brevo: 4012, freeMobile: 4013, whatsapp: 4014 } }),
  });
  const ports = {} as Record<ServiceName, number>;
  for (const s of SERVICE_NAMES) ports[s] = options.isolated ? await freePort() : DEFAULT_PORTS[s];
  const url = (s: ServiceName) => `http://127.0.0.1:${ports[s]}`;

  const env: Record<string, string> = {
    NATS_URL: natsUrl,
    DATABASE_URL: databaseUrl,
    NATS_NAMESPACE: ns.prefix,
    LOG_LEVEL: options.logLevel ?? 'info',
    ...LOCAL_SECRETS,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(mail.smtpPort),
    SMTP_FROM: 'Express Quote <reservations@express-quote.local>',
    SUPPORT_URL: 'https://express-quote.local/support',
    DOCUMENTS_PUBLIC_URL: url('documents'),
    PUBLIC_BASE_URL: url('attribution'),
    COMPANY_NAME: 'Express Quote SAS',
    COMPANY_ADDRESS: '10 rue de la Paix, 75002 Paris',
    COMPANY_SIRET: '12345678900012',
    COMPANY_VAT_NUMBER: 'FR32123456789',
    ...phones.env({ smsDeliveryUrl: url('sms-delivery'), whatsappDeliveryUrl: url('whatsapp-delivery') }),
    ...options.env,
  };
  const logDir = join(options.root, 'var', options.isolated ? `system-${uniqueToken('')}` : 'demo', 'logs');

  let nc: NatsConnection | undefined;
  let stack: Stack | undefined;
  let watcher: Awaited<ReturnType<typeof watchStreams>> | undefined;
  const stop = async ({ keepLogs = false } = {}) => {
    watcher?.stop();
    await nc?.close().catch(() => undefined);
    await stack?.stop().catch(() => undefined);
    await mail.close().catch(() => undefined);
    await phones.close().catch(() => undefined);
    await nats?.cleanup().catch(() => undefined);
    await database?.drop().catch(() => undefined);
    if (options.isolated && !keepLogs) await rm(dirname(logDir), { recursive: true, force: true });
  };
  try {
    const since = new Date(Date.now() - 1000);
    stack = await startStack({
      root: options.root,
      services: present.map((name) => ({ name, port: ports[name] })),
      env,
      logDir,
    });
    if (options.watch ?? true) {
      nc = await connect({ servers: natsUrl, name: 'system-watcher' });
      watcher = await watchStreams(
        jetstream(nc),
        await jetstreamManager(nc),
        ns,
        since,
        options.onEvent ?? (() => {}),
      );
    }
  } catch (error) {
    await stop({ keepLogs: true });
    throw error;
  }
  const w = watcher ?? { observed: [] as Observed[], follow: () => {} };
  return {
    present,
    ns,
    mail,
    phones,
    logDir,
    databaseUrl,
    stack,
    url,
    has: (s) => present.includes(s),
    observed: w.observed,
    follow: (id) => w.follow(id),
    stop,
  };
};
