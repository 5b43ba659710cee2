// `make demo` / `make demo-check`: the whole system on one example booking.
//   node scripts/demo.ts            interactive: production stream names, database express_quote, default ports;
//                                   prints the booking's events as they happen, then waits for Ctrl-C
//   node scripts/demo.ts --check    unattended: own namespace and database (removed at the end), ephemeral ports;
//                                   exits 1 when an expected event or message is missing or late
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Expectation, expectationsFor } from './demo/expectations.ts';
import { createQuote, EXAMPLE_CUSTOMER, payQuote } from './demo/scenario.ts';
import { type RunningSystem, startSystem } from './demo/system.ts';
import { describe, type Observed } from './demo/timeline.ts';

const { values } = parseArgs({
  options: { check: { type: 'boolean', default: false }, timeout: { type: 'string', default: '90' } },
});
const check = values.check;
const timeoutMs = Number(values.timeout) * 1000;
const say = (line: string) => process.stdout.write(`${line}\n`);

let t0 = Date.now();
let system: RunningSystem;
try {
  say(
    `demo: starting the system (${check ? 'isolated namespace and database' : 'production stream names'})…`,
  );
  system = await startSystem({
    root: join(import.meta.dirname, '..'),
    isolated: check,
    onEvent: (e) => say(describe(e, t0)),
  });
} catch (error) {
  say(`demo: FAILED to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
say(`demo: running ${system.present.join(', ')} — logs in ${system.logDir}`);

const fail = async (message: string): Promise<never> => {
  say(`\ndemo: FAILED ${message}\nlogs: ${system.logDir}`);
  await system.stop({ keepLogs: true });
  process.exit(1);
};

t0 = Date.now();
const quote = await createQuote(system).catch((e: Error) => fail(e.message));
say(
  `demo: quote ${quote.temporaryId} priced ${(quote.price.totalCents / 100).toFixed(2)} € by the booking service`,
);
const paid = await payQuote(system, quote);
say(`demo: signed checkout.session.completed ${paid.stripeEventId} → HTTP ${paid.status}; following it:`);
if (paid.status !== 200) await fail(`the gateway answered ${paid.status}: ${paid.body}`);

const expectations = expectationsFor(system.present, {
  mail: system.mail,
  phones: system.phones,
  customerPhone: EXAMPLE_CUSTOMER.phone,
});
const deadline = Date.now() + timeoutMs;
let missing: Expectation[] = expectations;
while (Date.now() < deadline) {
  missing = [];
  for (const e of expectations) if (!(await e.met(system.observed))) missing.push(e);
  if (missing.length === 0) break;
  await new Promise((r) => setTimeout(r, 250));
}

say('\nNotifications (channel, template, recipient, status):');
for (const line of notificationSummary(system.observed)) say(`  ${line}`);
say('\nMail sink:');
for (const m of system.mail.messages()) {
  say(`  ${m.to.join(', ').padEnd(36)} ${m.subject}  [${m.attachments.map((a) => a.filename).join(', ')}]`);
}
say('\nPhones (SMS and WhatsApp emulators):');
for (const m of system.phones.store.list()) {
  say(
    `  ${m.provider.padEnd(9)} ${m.to.padEnd(14)} ${m.encoding} ×${m.segments} ${m.status.padEnd(10)} ${m.text.replace(/\s+/g, ' ')}`,
  );
}
const acceptLink = system.observed.find((e) => e.type === 'attribution.professional_proposed')?.data
  ?.acceptUrl;
if (acceptLink)
  say(`\nAccept the mission as the nearest professional (opens a confirmation page): ${acceptLink}`);
if (missing.length > 0) {
  await fail(
    `after ${timeoutMs / 1000} s, missing:\n${missing.map((m) => `  - ${m.description}`).join('\n')}`,
  );
}
say(`\ndemo: OK — ${expectations.length} expectations met in ${Date.now() - t0} ms`);
for (const e of expectations) say(`  ✓ ${e.description}`);

if (check) {
  await system.stop();
  process.exit(0);
}
say(`\nInbox (web):    ${system.mail.httpUrl}`);
say(`Booking API:    ${system.url('booking')}/api/bookings?reference=EQ-…`);
if (system.has('notifications'))
  say(`Notifications:  ${system.url('notifications')}/api/notifications?bookingId=…`);
say('Ctrl-C to stop.');
const stop = async () => {
  await system.stop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

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
