// `make demo` / `make demo-check`: the whole system on one example booking.
//   node scripts/demo.ts            interactive: production stream names, database express_quote, default ports;
//                                   prints the booking's events as they happen, then waits for Ctrl-C
//   node scripts/demo.ts --check    unattended: own namespace and database (removed at the end), ephemeral ports;
//                                   exits 1 when an expected event or message is missing or late
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { namespaced } from '@express-quote/contracts';
import { startMailSink } from '@express-quote/sinks';
import {
  createTestDatabase,
  createTestNats,
  freePort,
  type ServiceSpec,
  startStack,
  uniqueToken,
} from '@express-quote/testing';
import { checkoutCompletedRequest } from '../services/payments/src/stripe-simulator.ts';
import { type Expectation, expectationsFor } from './demo/expectations.ts';
import { describe, type Observed, watchStreams } from './demo/timeline.ts';

const { values } = parseArgs({
  options: { check: { type: 'boolean', default: false }, timeout: { type: 'string', default: '90' } },
});
const check = values.check;
const timeoutMs = Number(values.timeout) * 1000;
const root = join(import.meta.dirname, '..');
const say = (line: string) => process.stdout.write(`${line}\n`);

const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const baseDatabaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/express_quote';

// Secrets of a local demo: fixed so links printed by one run still verify in the next.
const STRIPE_WEBHOOK_SECRET = 'whsec_demo_local_only_0123456789abcdef';
const DOCUMENTS_URL_SECRET = 'demo-documents-url-secret-0123456789abcdef';
const ATTRIBUTION_LINK_SECRET = 'demo-attribution-link-secret-0123456789abcdef';
const ADMIN_TOKEN = 'demo-admin-token-0123456789abcdef';

// The customer fills the form on the site; Stripe Checkout sends the same contact back in the session metadata.
const CUSTOMER = {
  firstName: 'Élodie',
  lastName: 'Martin',
  email: 'elodie.martin@example.fr',
  phone: '+33612345678',
};

const SERVICES = [
  'payments',
  'booking',
  'documents',
  'attribution',
  'notifications',
  'email-delivery',
  'sms-delivery',
  'whatsapp-delivery',
] as const;
const DEFAULT_PORTS: Record<(typeof SERVICES)[number], number> = {
  payments: 3001,
  booking: 3002,
  documents: 3003,
  attribution: 3004,
  notifications: 3005,
  'email-delivery': 3006,
  'sms-delivery': 3007,
  'whatsapp-delivery': 3008,
};
const present = SERVICES.filter((s) => existsSync(join(root, 'services', s, 'src', 'main.ts')));

// Isolation for the unattended run; the interactive one uses production names so a person can poke at it.
const nats = check ? await createTestNats(natsUrl) : null;
const ns = nats?.ns ?? namespaced('');
const database = check ? await createTestDatabase() : null;
const databaseUrl = database?.url ?? baseDatabaseUrl;
const mail = await startMailSink(check ? {} : { smtpPort: 1025, httpPort: 8025 });
const ports = Object.fromEntries(
  await Promise.all(present.map(async (s) => [s, check ? await freePort() : DEFAULT_PORTS[s]] as const)),
) as Record<(typeof SERVICES)[number], number>;
const url = (s: (typeof SERVICES)[number]) => `http://127.0.0.1:${ports[s]}`;

const env: Record<string, string> = {
  NATS_URL: natsUrl,
  DATABASE_URL: databaseUrl,
  NATS_NAMESPACE: ns.prefix,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  STRIPE_WEBHOOK_SECRET,
  DOCUMENTS_URL_SECRET,
  ATTRIBUTION_LINK_SECRET,
  ADMIN_TOKEN,
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: String(mail.smtpPort),
  SMTP_FROM: 'Express Quote <reservations@express-quote.local>',
  SUPPORT_URL: 'https://express-quote.local/support',
  DOCUMENTS_PUBLIC_URL: present.includes('documents') ? url('documents') : 'http://127.0.0.1:3003',
  PUBLIC_BASE_URL: present.includes('attribution') ? url('attribution') : 'http://127.0.0.1:3004',
  DOCUMENTS_WAIT_MS: '20000',
  COMPANY_NAME: 'Express Quote SAS',
  COMPANY_ADDRESS: '10 rue de la Paix, 75002 Paris',
  COMPANY_SIRET: '12345678900012',
  COMPANY_VAT_NUMBER: 'FR32123456789',
};

const logDir = join(root, 'var', check ? `demo-${uniqueToken('')}` : 'demo', 'logs');
const services: ServiceSpec[] = present.map((name) => ({ name, port: ports[name] }));

let cleanedUp = false;
const cleanup = async () => {
  if (cleanedUp) return;
  cleanedUp = true;
  await stack?.stop().catch(() => undefined);
  await mail.close().catch(() => undefined);
  await nats?.cleanup().catch(() => undefined);
  await database?.drop().catch(() => undefined);
};

say(
  `demo: NATS ${natsUrl} (namespace ${ns.prefix || '(production names)'}), Postgres ${new URL(databaseUrl).pathname.slice(1)}`,
);
say(`demo: starting ${present.join(', ')} — logs in ${logDir}`);
let stack: Awaited<ReturnType<typeof startStack>> | undefined;
try {
  stack = await startStack({ root, services, env, logDir });
} catch (error) {
  say(`demo: FAILED to start the services: ${error instanceof Error ? error.message : String(error)}`);
  await cleanup();
  process.exit(1);
}

const { connect } = await import('@nats-io/transport-node');
const { jetstream, jetstreamManager } = await import('@nats-io/jetstream');
const nc = await connect({ servers: natsUrl, name: 'demo-watcher' });
const t0 = Date.now();
const watcher = await watchStreams(jetstream(nc), await jetstreamManager(nc), ns, new Date(t0 - 1000), (e) =>
  say(describe(e, t0)),
);

// 1. The site asks for a quote, as the customer's browser would before Stripe Checkout.
const quoteRes = await fetch(`${url('booking')}/api/quotes`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(exampleQuote()),
});
const quote = (await quoteRes.json()) as { temporaryId: string; price: { totalCents: number } };
if (!quoteRes.ok) {
  say(`demo: the booking API refused the quote: ${quoteRes.status} ${JSON.stringify(quote)}`);
  await cleanup();
  process.exit(1);
}
say(
  `demo: quote ${quote.temporaryId} priced ${(quote.price.totalCents / 100).toFixed(2)} € by the booking service`,
);

// 2. Stripe calls the gateway with a signed checkout.session.completed for that quote.
const { event, request } = checkoutCompletedRequest(quote.temporaryId, STRIPE_WEBHOOK_SECRET, {
  amountCents: quote.price.totalCents,
  customer: CUSTOMER,
});
const stripeEventId = String(event.id);
watcher.follow(stripeEventId);
const hook = await fetch(`${url('payments')}/api/webhooks/stripe`, {
  method: 'POST',
  headers: request.headers,
  body: request.body,
});
say(`demo: signed webhook ${stripeEventId} → ${hook.status}; following correlation id ${stripeEventId}`);

// 3. Wait for what every present service should produce, printing events as they come.
const expectations = expectationsFor(present, { mail });
const deadline = Date.now() + timeoutMs;
let missing: Expectation[] = expectations;
while (Date.now() < deadline) {
  missing = [];
  for (const e of expectations) if (!(await e.met(watcher.observed))) missing.push(e);
  if (missing.length === 0) break;
  await new Promise((r) => setTimeout(r, 250));
}
watcher.stop();

say('\nNotifications:');
for (const line of notificationSummary(watcher.observed)) say(`  ${line}`);
say('\nMailbox:');
for (const m of mail.messages()) {
  say(`  ${m.to.join(', ').padEnd(40)} ${m.subject}  [${m.attachments.map((a) => a.filename).join(', ')}]`);
}

if (missing.length > 0) {
  say(`\ndemo: FAILED after ${timeoutMs / 1000} s, missing:`);
  for (const m of missing) say(`  - ${m.description}`);
  say(`logs: ${logDir}`);
  await nc.close();
  await cleanup();
  process.exit(1);
}
say(`\ndemo: OK — ${expectations.length} expectations met in ${Date.now() - t0} ms`);
for (const e of expectations) say(`  ✓ ${e.description}`);

if (check) {
  await nc.close();
  await cleanup();
  process.exit(0);
}
say(`\nInbox:          ${mail.httpUrl}`);
say(`Booking API:    ${url('booking')}/api/bookings?reference=…`);
if (present.includes('notifications'))
  say(`Notifications:  ${url('notifications')}/api/notifications?bookingId=…`);
say('Ctrl-C to stop.');
const stop = async () => {
  await nc.close().catch(() => undefined);
  await cleanup();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

function exampleQuote() {
  const date = new Date(Date.now() + 10 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  return {
    serviceType: 'MOVING',
    pickupAddress: { street: '12 rue des Lilas', postcode: '75011', city: 'Paris', country: 'FR' },
    deliveryAddress: { street: '3 avenue Jean Jaurès', postcode: '69007', city: 'Lyon', country: 'FR' },
    serviceDate: date,
    startTime: '09:00',
    endTime: '12:00',
    volumeM3: 25,
    distanceKm: 465,
    options: { pickupFloorsWithoutLift: 2, packing: true },
    insurance: true,
    customer: {
      firstName: 'Élodie',
      lastName: 'Martin',
      email: 'elodie.martin@example.fr',
      phone: '+33612345678',
    },
  };
}

function notificationSummary(observed: readonly Observed[]): string[] {
  const byId = new Map<string, { channel: string; template: string; recipient: string; status: string }>();
  for (const e of observed) {
    const d = e.data ?? {};
    if (e.type === 'notification.requested') {
      byId.set(d.notificationId, {
        channel: d.channel,
        template: d.template,
        recipient: d.recipient?.kind,
        status: 'PENDING',
      });
    } else if (e.type.startsWith('notification.') && byId.has(d.notificationId)) {
      byId.get(d.notificationId)!.status = e.type.slice('notification.'.length).toUpperCase();
    }
  }
  return [...byId.values()].map(
    (n) => `${n.channel.padEnd(8)} ${n.template.padEnd(36)} ${n.recipient.padEnd(12)} ${n.status}`,
  );
}
