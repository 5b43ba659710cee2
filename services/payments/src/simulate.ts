/**
 * Sends a signed `checkout.session.completed` for a quote to a running payments gateway, as Stripe would, and
 * prints what it sent and what the gateway answered.
 *
 *   node services/payments/src/simulate.ts --quote <temporaryId> [--url http://127.0.0.1:3001]
 *     [--secret whsec_…]   (default: the first of STRIPE_WEBHOOK_SECRET)
 *     [--amount 45900] [--email jeanne.dupont@example.fr] [--first Jeanne] [--last Dupont] [--phone +33612345678]
 *     [--type checkout.session.completed|checkout.session.async_payment_succeeded|…] [--payment-status paid]
 */
import { parseArgs } from 'node:util';
import { STRIPE_WEBHOOK_PATH } from './http/stripe-webhook.ts';
import { checkoutSession, DEFAULT_CUSTOMER, signWebhook, stripeEvent } from './stripe-simulator.ts';

const usage =
  'usage: node services/payments/src/simulate.ts --quote <temporaryId> [--url http://127.0.0.1:3001]';

const { values } = parseArgs({
  options: {
    quote: { type: 'string' },
    url: { type: 'string', default: process.env.PAYMENTS_URL ?? 'http://127.0.0.1:3001' },
    secret: { type: 'string' },
    amount: { type: 'string', default: '45900' },
    email: { type: 'string', default: DEFAULT_CUSTOMER.email },
    first: { type: 'string', default: DEFAULT_CUSTOMER.firstName },
    last: { type: 'string', default: DEFAULT_CUSTOMER.lastName },
    phone: { type: 'string', default: DEFAULT_CUSTOMER.phone ?? '' },
    type: { type: 'string', default: 'checkout.session.completed' },
    'payment-status': { type: 'string', default: 'paid' },
    help: { type: 'boolean', default: false },
  },
});

const fail = (message: string): never => {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
};

if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const temporaryId = values.quote ?? fail('--quote is required');
const secret = values.secret ?? process.env.STRIPE_WEBHOOK_SECRET?.split(',')[0]?.trim();
if (!secret) fail('--secret or STRIPE_WEBHOOK_SECRET is required (the gateway must know it)');
const amountCents = Number(values.amount);
if (!Number.isInteger(amountCents) || amountCents < 0) fail('--amount must be an integer number of cents');
const paymentStatus = values['payment-status'];
if (paymentStatus !== 'paid' && paymentStatus !== 'unpaid' && paymentStatus !== 'no_payment_required') {
  fail('--payment-status must be paid, unpaid or no_payment_required');
}

const event = stripeEvent(
  values.type,
  checkoutSession({
    temporaryId,
    amountCents,
    paymentStatus: paymentStatus as 'paid' | 'unpaid' | 'no_payment_required',
    customer: {
      firstName: values.first,
      lastName: values.last,
      email: values.email,
      phone: values.phone || null,
    },
  }),
);
const request = signWebhook(event, secret as string);
const target = new URL(STRIPE_WEBHOOK_PATH, values.url);
const object = (event.data as { object: Record<string, unknown> }).object;

process.stdout.write(
  `→ POST ${target}\n  ${values.type} ${String(event.id)} (session ${String(object.id)}, temporaryId ${temporaryId}, ` +
    `${(amountCents / 100).toFixed(2)} EUR, ${request.body.length} bytes, signed)\n`,
);
try {
  const response = await fetch(target, { method: 'POST', headers: request.headers, body: request.body });
  const text = await response.text();
  process.stdout.write(`← ${response.status} ${text}\n`);
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  process.stderr.write(`✗ ${target}: ${(error as Error).message}\n`);
  process.exit(1);
}
