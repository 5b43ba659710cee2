import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from './support.ts';

// A stand-in for the payments gateway: verifies the signature on the raw body with the stripe SDK, as it does.
const SECRET = 'whsec_cli_test_0123456789';
let server: Server;
let url: string;
const received: Array<{ type: string; temporaryId: string; amount: number; id: string }> = [];

const body = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => resolve(text));
  });

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const raw = await body(req);
    if (req.url === '/api/quotes/tq_priced') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ price: { totalCents: 61_234 } }));
      return;
    }
    if (req.url !== '/api/webhooks/stripe') {
      res.writeHead(404).end();
      return;
    }
    try {
      const event = new Stripe('sk_test_unused').webhooks.constructEvent(
        raw,
        String(req.headers['stripe-signature']),
        SECRET,
        300,
      );
      const session = event.data.object as unknown as {
        metadata: { temporaryId: string };
        amount_total: number;
      };
      received.push({
        type: event.type,
        temporaryId: session.metadata.temporaryId,
        amount: session.amount_total,
        id: event.id,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad_signature"}');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe('eq stripe simulate', () => {
  it('sends a webhook the gateway verifies, and prints how to follow it', async () => {
    const r = await eq(['stripe', 'simulate', '--quote', 'tq_demo', '--amount', '45900', '--url', url], {
      env: { STRIPE_WEBHOOK_SECRET: `${SECRET},whsec_next` },
    });
    expect(r.code).toBe(0);
    expect(received.at(-1)).toMatchObject({
      type: 'checkout.session.completed',
      temporaryId: 'tq_demo',
      amount: 45_900,
    });
    expect(r.stdout).toContain('← 200 {"received":true}');
    expect(r.stdout).toContain(`eq trace ${received.at(-1)!.id}`);
  });

  it('takes the amount from the booking API, and replays the same event id on request', async () => {
    const r = await eq(
      [
        'stripe',
        'simulate',
        '--quote',
        'tq_priced',
        '--booking-url',
        url,
        '--url',
        url,
        '--event-id',
        'evt_same0001',
        '--event',
        'checkout.session.async_payment_succeeded',
        '--json',
      ],
      { env: { STRIPE_WEBHOOK_SECRET: SECRET } },
    );
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ stripeEventId: 'evt_same0001', amountCents: 61_234, status: 200 });
    expect(received.at(-1)).toMatchObject({
      id: 'evt_same0001',
      type: 'checkout.session.async_payment_succeeded',
      amount: 61_234,
    });
    const unknown = await eq(
      ['stripe', 'simulate', '--quote', 'tq_unknown', '--booking-url', url, '--url', url],
      { env: { STRIPE_WEBHOOK_SECRET: SECRET } },
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('quote tq_unknown is unknown');
  });

  it('exits 1 when the gateway refuses the signature (wrong secret)', async () => {
    const r = await eq(
      [
        'stripe',
        'simulate',
        '--quote',
        'tq_demo',
        '--amount',
        '100',
        '--url',
        url,
        '--secret',
        'whsec_wrong',
      ],
      { env: {} },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('← 400');
  });

  it('asks before sending to another machine, and can print the signed request instead', async () => {
    const count = received.length;
    const remote = await eq(
      ['stripe', 'simulate', '--quote', 'tq_demo', '--amount', '100', '--url', 'https://payments.example.fr'],
      {
        env: { STRIPE_WEBHOOK_SECRET: SECRET },
      },
    );
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain('It is processed as a real payment. Refused: pass --yes');
    const printed = await eq(['stripe', 'simulate', '--quote', 'tq_demo', '--amount', '100', '--print'], {
      env: { STRIPE_WEBHOOK_SECRET: SECRET },
    });
    const request = printed.json<{ body: string; headers: Record<string, string> }>();
    expect(
      new Stripe('sk_test_unused').webhooks.constructEvent(
        request.body,
        request.headers['stripe-signature']!,
        SECRET,
        300,
      ).type,
    ).toBe('checkout.session.completed');
    expect(received.length).toBe(count);
  });
});
