import { COMMON_HELP, parseCommandArgs, parseNonNegativeInt } from '../args.ts';
import { CliError, type Command, UsageError } from '../command.ts';
import { confirm } from '../confirm.ts';
import { euros } from '../format/time.ts';
import {
  CHECKOUT_EVENT_TYPES,
  type CheckoutEventType,
  checkoutEvent,
  STRIPE_WEBHOOK_PATH,
  signWebhook,
} from '../stripe/webhook.ts';

const usage = `usage: eq stripe simulate --quote <temporaryId> [--event <type>] [--url <payments origin>] [--amount <cents>]
                         [--email …] [--first …] [--last …] [--phone …] [--event-id evt_…] [--print] [--yes] [--json]

Sends the signed Checkout webhook the demo sends, to any environment whose signing secret you have
(STRIPE_WEBHOOK_SECRET, or --secret): the gateway verifies it exactly as a real one.

  --quote <temporaryId>   the quote (tq_…) put in the session's metadata
  --event <type>          ${CHECKOUT_EVENT_TYPES.join(' | ')}
                          (default checkout.session.completed)
  --url <origin>          payments gateway (default PAYMENTS_URL or http://127.0.0.1:3001); path ${STRIPE_WEBHOOK_PATH}
  --amount <cents>        amount paid; default: the quote's price from the booking API (--booking-url, BOOKING_URL or
                          http://127.0.0.1:3002)
  --email/--first/--last/--phone   the customer at checkout (default Jeanne Dupont, jeanne.dupont@example.fr)
  --event-id <evt_…>      reuse an event id (Stripe retrying the same event: the gateway must change nothing)
  --secret <whsec_…>      signing secret (default: the first of STRIPE_WEBHOOK_SECRET)
  --print                 print the signed request (body and headers, unmasked: the signed bytes) instead of sending it
  --yes                   do not ask before sending to a host other than this machine

${COMMON_HELP}

Examples:
  STRIPE_WEBHOOK_SECRET=whsec_… eq stripe simulate --quote tq_3hV… 
  eq stripe simulate --quote tq_3hV… --event checkout.session.async_payment_failed --amount 45900`;

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

const quotePrice = async (bookingUrl: string, temporaryId: string): Promise<number> => {
  const url = new URL(`/api/quotes/${encodeURIComponent(temporaryId)}`, bookingUrl);
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  } catch (error) {
    throw new CliError(
      `cannot read the quote's price at ${url} (${(error as Error).message}): pass --amount <cents>`,
    );
  }
  if (res.status === 404)
    throw new CliError(
      `quote ${temporaryId} is unknown to ${bookingUrl}: pass --amount <cents> to send anyway`,
    );
  if (!res.ok) throw new CliError(`${url} answered ${res.status}: pass --amount <cents>`);
  const body = (await res.json()) as { price?: { totalCents?: unknown } };
  const total = body.price?.totalCents;
  if (typeof total !== 'number' || !Number.isInteger(total))
    throw new CliError(`${url} gave no price: pass --amount <cents>`);
  return total;
};

export const stripeSimulateCommand: Command = {
  path: ['stripe', 'simulate'],
  summary: 'send a signed Stripe Checkout webhook to a payments gateway',
  usage,
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      args,
      {
        quote: { type: 'string' },
        event: { type: 'string' },
        url: { type: 'string' },
        'booking-url': { type: 'string' },
        amount: { type: 'string' },
        email: { type: 'string' },
        first: { type: 'string' },
        last: { type: 'string' },
        phone: { type: 'string' },
        'event-id': { type: 'string' },
        secret: { type: 'string' },
        print: { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
        json: { type: 'boolean' },
      },
      usage,
      { min: 0, max: 0 },
    );
    if (values.help) {
      ctx.out.line(usage);
      return 0;
    }
    const temporaryId = values.quote?.trim();
    if (!temporaryId) throw new UsageError('--quote <temporaryId> is required', usage);
    const type = (values.event ?? 'checkout.session.completed') as CheckoutEventType;
    if (!CHECKOUT_EVENT_TYPES.includes(type)) {
      throw new UsageError(`--event must be one of ${CHECKOUT_EVENT_TYPES.join(', ')}`, usage);
    }
    const secret = values.secret ?? ctx.io.env.STRIPE_WEBHOOK_SECRET?.split(',')[0]?.trim();
    if (!secret) throw new UsageError('STRIPE_WEBHOOK_SECRET is not set (or pass --secret whsec_…)', usage);
    if (!/^whsec_\S+$/.test(secret)) throw new UsageError('the signing secret must look like whsec_…', usage);
    if (values['event-id'] !== undefined && !/^evt_[A-Za-z0-9]+$/.test(values['event-id'])) {
      throw new UsageError('--event-id must look like evt_…', usage);
    }
    if (values.phone && !/^\+?[0-9 .-]{6,20}$/.test(values.phone))
      throw new UsageError('--phone is not a phone number', usage);
    let target: URL;
    try {
      target = new URL(STRIPE_WEBHOOK_PATH, values.url ?? ctx.io.env.PAYMENTS_URL ?? 'http://127.0.0.1:3001');
    } catch {
      throw new UsageError(`--url "${values.url}" is not a URL`, usage);
    }
    const amountCents =
      values.amount !== undefined
        ? parseNonNegativeInt(values.amount, '--amount', usage)
        : await quotePrice(
            values['booking-url'] ?? ctx.io.env.BOOKING_URL ?? 'http://127.0.0.1:3002',
            temporaryId,
          );

    const event = checkoutEvent({
      type,
      temporaryId,
      amountCents,
      customer: {
        firstName: values.first ?? 'Jeanne',
        lastName: values.last ?? 'Dupont',
        email: values.email ?? 'jeanne.dupont@example.fr',
        phone: values.phone === '' ? null : (values.phone ?? '+33612345678'),
      },
      ...(values['event-id'] ? { eventId: values['event-id'] } : {}),
    });
    const request = signWebhook(event, secret);
    const session = (event.data as { object: { id: string } }).object;
    if (values.print) {
      // Unmasked on purpose: these are the signed bytes; masking the e-mail would break the signature.
      ctx.io.stdout.write(
        `${JSON.stringify({ url: target.toString(), headers: request.headers, body: request.body }, null, 2)}\n`,
      );
      return 0;
    }
    if (!LOCAL_HOSTS.has(target.hostname)) {
      const ok = await confirm(
        ctx,
        `Send a signed ${type} for ${temporaryId} (${euros(amountCents)}) to ${target.origin}? It is processed as a real payment.`,
        values.yes,
        usage,
      );
      if (!ok) return 1;
    }
    let status: number;
    let text: string;
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(10_000),
      });
      status = res.status;
      text = await res.text();
    } catch (error) {
      throw new CliError(`POST ${target}: ${(error as Error).message}`);
    }
    const result = {
      url: target.toString(),
      type,
      stripeEventId: event.id,
      sessionId: session.id,
      temporaryId,
      amountCents,
      status,
      response: text,
    };
    if (values.json) ctx.out.line(JSON.stringify(result, null, 2));
    else {
      ctx.out.line(
        `→ POST ${target} ${type} ${String(event.id)} (session ${session.id}, ${temporaryId}, ${euros(amountCents)}, signed)`,
      );
      ctx.out.line(`← ${status} ${text}`);
      if (status >= 200 && status < 300) ctx.out.line(`follow it: eq trace ${String(event.id)}`);
    }
    return status >= 200 && status < 300 ? 0 : 1;
  },
};
