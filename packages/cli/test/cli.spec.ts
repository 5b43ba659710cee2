import { namespaced } from '@express-quote/contracts';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { parseInstant, parseStreamPosition } from '../src/args.ts';
import { sideEffectsOf } from '../src/consumers/side-effects.ts';
import { euros, humanDuration, relativeTime } from '../src/format/time.ts';
import type { Output } from '../src/io.ts';
import { createProgress } from '../src/progress.ts';
import { checkoutEvent, signWebhook } from '../src/stripe/webhook.ts';
import { eq } from './support.ts';

describe('command line', () => {
  it.each([
    { argv: [], code: 2, stream: 'stderr', text: 'usage: eq <command>' },
    { argv: ['--help'], code: 0, stream: 'stdout', text: 'consumers status' },
    { argv: ['frobnicate'], code: 2, stream: 'stderr', text: 'unknown command "frobnicate"' },
    { argv: ['dlq'], code: 2, stream: 'stderr', text: 'unknown dlq subcommand' },
    { argv: ['dlq', 'lst'], code: 2, stream: 'stderr', text: 'unknown dlq subcommand "lst"' },
    {
      argv: ['trace'],
      code: 2,
      stream: 'stderr',
      text: 'missing argument: <bookingId|reference|stripeEventId|correlationId>',
    },
    { argv: ['trace', 'a', 'b'], code: 2, stream: 'stderr', text: 'unexpected argument: b' },
    {
      argv: ['trace', 'EQ-2026-000001', '--bogus'],
      code: 2,
      stream: 'stderr',
      text: "Unknown option '--bogus'",
    },
    { argv: ['trace', 'EQ-2026-000001'], code: 2, stream: 'stderr', text: 'NATS_URL is not set' },
    {
      argv: ['trace', 'x', '--namespace', 'Bad-NS'],
      code: 2,
      stream: 'stderr',
      text: 'invalid namespace prefix "Bad-NS"',
    },
    { argv: ['events', 'tail'], code: 2, stream: 'stderr', text: 'missing argument: <stream>' },
    {
      argv: ['events', 'tail', 'NOTIFY', '--since', '2h', '--from', '3'],
      code: 2,
      stream: 'stderr',
      text: 'give --since or --from, not both',
    },
    {
      argv: ['events', 'tail', 'NOTIFY', '--type', 'nope.nope'],
      code: 2,
      stream: 'stderr',
      text: 'unknown event type "nope.nope"',
    },
    {
      argv: ['eventstore', 'read', 'booking'],
      code: 2,
      stream: 'stderr',
      text: 'missing argument: <schema> <streamId>',
    },
    {
      argv: ['eventstore', 'read', 'Booking;drop', 'x'],
      code: 2,
      stream: 'stderr',
      text: 'invalid schema name',
    },
    { argv: ['replay', 'NOTIFY'], code: 2, stream: 'stderr', text: '--into is required' },
    {
      argv: ['projections', 'rebuild', 'nope'],
      code: 2,
      stream: 'stderr',
      text: 'unknown projection "nope"',
    },
    {
      argv: ['dlq', 'show', 'abc'],
      code: 2,
      stream: 'stderr',
      text: '<dlqSequence> must be a positive integer',
    },
    {
      argv: ['dlq', 'list', '--kind', 'lost'],
      code: 2,
      stream: 'stderr',
      text: '--kind must be one of max_deliveries, terminated, rejected',
    },
    { argv: ['stripe', 'simulate'], code: 2, stream: 'stderr', text: '--quote <temporaryId> is required' },
    {
      argv: ['stripe', 'simulate', '--quote', 'tq_1', '--amount', '10'],
      code: 2,
      stream: 'stderr',
      text: 'STRIPE_WEBHOOK_SECRET is not set',
    },
    {
      argv: ['stripe', 'simulate', '--quote', 'tq_1', '--event', 'charge.refunded', '--secret', 'whsec_x'],
      code: 2,
      stream: 'stderr',
      text: '--event must be one of',
    },
  ])('eq $argv → exit $code', async ({ argv, code, stream, text }) => {
    const r = await eq(argv, {
      env: argv.includes('--namespace') || argv[0] !== 'trace' ? { NATS_URL: 'nats://127.0.0.1:1' } : {},
    });
    expect(r.code).toBe(code);
    expect(stream === 'stdout' ? r.stdout : r.stderr).toContain(text);
  });

  it('prints every command’s help on stdout with exit 0', async () => {
    for (const argv of [
      ['trace'],
      ['events', 'tail'],
      ['eventstore', 'read'],
      ['replay'],
      ['projections', 'list'],
      ['projections', 'rebuild'],
      ['dlq', 'list'],
      ['dlq', 'show'],
      ['dlq', 'redrive'],
      ['dlq', 'purge'],
      ['consumers', 'status'],
      ['stripe', 'simulate'],
    ]) {
      const r = await eq([...argv, '--help']);
      expect(r.code, argv.join(' ')).toBe(0);
      expect(r.stdout, argv.join(' ')).toContain(`usage: eq ${argv.join(' ')}`);
      expect(r.stdout, argv.join(' ')).toContain('--namespace <prefix>');
    }
  });
});

describe('times and positions', () => {
  const now = new Date('2026-03-14T12:00:00.000Z');
  it.each([
    ['90s', '2026-03-14T11:58:30.000Z'],
    ['2h', '2026-03-14T10:00:00.000Z'],
    ['3d', '2026-03-11T12:00:00.000Z'],
    // Paris wall-clock time: winter (UTC+1), summer (UTC+2), a date alone is midnight in Paris.
    ['2026-03-14 10:00', '2026-03-14T09:00:00.000Z'],
    ['2026-07-14 10:00', '2026-07-14T08:00:00.000Z'],
    ['2026-03-14', '2026-03-13T23:00:00.000Z'],
    ['2026-03-14T10:30:00', '2026-03-14T09:30:00.000Z'],
    ['2026-03-14T09:30:00Z', '2026-03-14T09:30:00.000Z'],
    ['2026-03-14T09:30:00+02:00', '2026-03-14T07:30:00.000Z'],
  ])('%s → %s', (raw, iso) => {
    expect(parseInstant(raw, now, '--since').toISOString()).toBe(iso);
  });

  it.each(['yesterday', '2026-02-30', '2026-03-14T25:00', '-2h', '12'])('refuses %s', (raw) => {
    expect(() => parseInstant(raw, now, '--since')).toThrow(/neither a duration/);
  });

  it('reads a stream position as a sequence or a time', () => {
    expect(parseStreamPosition('42', now, '--from')).toEqual({ seq: 42 });
    expect(parseStreamPosition('1h', now, '--from')).toEqual({ time: new Date('2026-03-14T11:00:00.000Z') });
    expect(() => parseStreamPosition('0', now, '--from')).toThrow(/positive integer/);
  });

  it('formats for people', () => {
    expect([
      relativeTime(0),
      relativeTime(184),
      relativeTime(12_500),
      relativeTime(185_000),
      relativeTime(8_040_000),
    ]).toEqual(['+0.000s', '+0.184s', '+12.5s', '+3m05s', '+2h14m']);
    expect([
      humanDuration(42_000),
      humanDuration(3_720_000),
      humanDuration(Number.POSITIVE_INFINITY),
    ]).toEqual(['42s', '1h02m', '?']);
    expect([euros(45_900), euros(123_456), euros(5), euros(-1_050)]).toEqual([
      '459,00 €',
      '1 234,56 €',
      '0,05 €',
      '-10,50 €',
    ]);
  });
});

describe('progress', () => {
  it('prints done / total, rate and ETA on plain lines (not a terminal), at most every interval, and the total time', () => {
    let t = 0;
    const lines: string[] = [];
    const out: Output = { write: (s) => lines.push(s), line: (s = '') => lines.push(`${s}\n`), isTTY: false };
    const p = createProgress(out, 'NOTIFY → t', 1_000, { now: () => t, plainEveryMs: 5_000 });
    t = 1_000;
    p.update(100);
    t = 2_000;
    p.update(200);
    t = 6_000;
    p.update(600);
    t = 10_000;
    p.update(1_000);
    p.finish();
    expect(lines).toEqual([
      'NOTIFY → t [##----------------------] 100/1,000 10%  100 ev/s  ETA 9s\n',
      'NOTIFY → t [##############----------] 600/1,000 60%  100 ev/s  ETA 4s\n',
      'NOTIFY → t [########################] 1,000/1,000 100%  100 ev/s  in 10s\n',
    ]);
  });
});

describe('replays that would reach people', () => {
  const ns = namespaced('t1');
  it.each([
    ['T1_NOTIFY', 'email-delivery-high', true],
    ['T1_NOTIFY', 'sms-delivery-normal', true],
    ['T1_NOTIFY', 'notifications-status-requested', false],
    ['T1_NOTIFICATIONS', 'notifications-status-events', false],
    ['T1_BOOKINGS', 'notifications-booking-confirmed', true],
    ['T1_DOCUMENTS', 'notifications-documents-generated', true],
    ['T1_BOOKINGS', 'documents-booking-confirmed', false],
    ['T1_PAYMENTS', 'booking-payment-completed', false],
  ])('%s %s → side effects: %s', (stream, durable, effects) => {
    expect(sideEffectsOf(ns, stream, durable) !== null).toBe(effects);
  });
});

describe('signed Stripe webhooks', () => {
  const secret = 'whsec_test_secret_for_the_cli';
  it('are verified by the stripe SDK exactly as the payments gateway verifies them', () => {
    const event = checkoutEvent({
      type: 'checkout.session.completed',
      temporaryId: 'tq_abc',
      amountCents: 45_900,
      customer: { firstName: 'Jeanne', lastName: 'Dupont', email: 'jeanne@example.fr', phone: null },
    });
    const signed = signWebhook(event, secret);
    const verified = new Stripe('sk_test_unused').webhooks.constructEvent(
      signed.body,
      signed.headers['stripe-signature'],
      secret,
      300,
    );
    expect(verified.id).toBe(event.id);
    const session = verified.data.object as unknown as {
      metadata: Record<string, string>;
      amount_total: number;
      payment_status: string;
    };
    expect(session).toMatchObject({
      amount_total: 45_900,
      payment_status: 'paid',
      metadata: { temporaryId: 'tq_abc', customerPhone: '' },
    });
    expect(() =>
      new Stripe('sk_test_unused').webhooks.constructEvent(
        signed.body.replace('45900', '100'),
        signed.headers['stripe-signature'],
        secret,
        300,
      ),
    ).toThrow(/signature/i);
    const stale = signWebhook(event, secret, Math.floor(Date.now() / 1000) - 3_600);
    expect(() =>
      new Stripe('sk_test_unused').webhooks.constructEvent(
        stale.body,
        stale.headers['stripe-signature'],
        secret,
        300,
      ),
    ).toThrow(/tolerance/i);
  });

  it('say unpaid for a failed or expired checkout, no_payment_required for a free quote', () => {
    const customer = { firstName: 'J', lastName: 'D', email: 'j@example.fr', phone: null };
    const status = (type: Parameters<typeof checkoutEvent>[0]['type'], amountCents: number) =>
      (
        checkoutEvent({ type, temporaryId: 'tq', amountCents, customer }).data as {
          object: { payment_status: string };
        }
      ).object.payment_status;
    expect(status('checkout.session.async_payment_failed', 100)).toBe('unpaid');
    expect(status('checkout.session.expired', 100)).toBe('unpaid');
    expect(status('checkout.session.completed', 0)).toBe('no_payment_required');
  });
});
