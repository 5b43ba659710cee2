import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ContractViolation,
  createEvent,
  defineEvent,
  deterministicId,
  namespaced,
  PaymentCompleted,
  parseEvent,
} from '../src/index.ts';

const completed = () =>
  createEvent(
    PaymentCompleted,
    {
      stripeEventId: 'evt_1',
      livemode: false,
      checkoutSessionId: 'cs_test_1',
      paymentIntentId: 'pi_1',
      temporaryId: 'tmp_1',
      amountCents: 12_000,
      currency: 'EUR',
      paymentStatus: 'paid',
      customer: { firstName: 'Jean', lastName: 'Dupont', email: 'jean@example.fr', phone: null },
    },
    { cause: { externalId: 'evt_1' }, occurredAt: '2026-03-01T10:00:00.000Z' },
  );

describe('envelope', () => {
  it('starts a correlation chain from an external id and keeps it on the next hop', () => {
    const first = completed();
    expect(first.correlationId).toBe('evt_1');
    expect(first.causationId).toBe('evt_1');
    const next = createEvent(PaymentCompleted, first.data, { cause: first });
    expect(next.correlationId).toBe('evt_1');
    expect(next.causationId).toBe(first.id);
  });

  it('round-trips through JSON and the registry', () => {
    const event = completed();
    const parsed = parseEvent(JSON.parse(JSON.stringify(event)), [PaymentCompleted]);
    expect(parsed).toEqual(event);
  });

  it('rejects data that does not match the schema, naming the field', () => {
    const event = { ...completed(), data: { ...completed().data, amountCents: 10.5 } };
    expect(() => parseEvent(event)).toThrowError(/amountCents/);
  });

  it('rejects an unexpected type and an unknown type', () => {
    expect(() => parseEvent({ ...completed(), type: 'nope.never' })).toThrowError(ContractViolation);
    expect(() => parseEvent({ ...completed(), type: 'payment.failed' }, [PaymentCompleted])).toThrowError(
      /unexpected event type payment.failed/,
    );
  });
});

describe('upcasting', () => {
  const Renamed = defineEvent({
    type: 'test.renamed',
    context: 'bookings',
    version: 2,
    schema: z.object({ fullName: z.string() }),
    upcasters: { 1: (d) => ({ fullName: (d as { name: string }).name }) },
  });

  it('reads a v1 event as v2', () => {
    const v1 = { ...completed(), type: 'test.renamed', version: 1, data: { name: 'Jean Dupont' } };
    const parsed = parseEvent(v1, [Renamed]);
    expect(parsed.version).toBe(2);
    expect(parsed.data).toEqual({ fullName: 'Jean Dupont' });
  });

  it('refuses an event newer than the code', () => {
    const v3 = { ...completed(), type: 'test.renamed', version: 3, data: {} };
    expect(() => parseEvent(v3, [Renamed])).toThrowError(/newer than this code/);
  });

  it('refuses a definition whose upcaster chain has a hole', () => {
    expect(() =>
      defineEvent({
        type: 'test.holey',
        context: 'bookings',
        version: 3,
        schema: z.object({}),
        upcasters: { 1: (d) => d },
      }),
    ).toThrowError(/lacks an upcaster from v2/);
  });
});

describe('naming', () => {
  it('uses production names without a prefix and isolated ones with it', () => {
    expect(namespaced().stream('bookings')).toBe('BOOKINGS');
    expect(namespaced().subject('bookings.booking.confirmed')).toBe('bookings.booking.confirmed');
    const ns = namespaced('t1a2');
    expect(ns.stream('bookings')).toBe('T1A2_BOOKINGS');
    expect(ns.subject(PaymentCompleted.subject)).toBe('t1a2.payments.payment.completed');
    expect(ns.contextFilter('notify')).toBe('t1a2.notify.>');
    expect(ns.relative('t1a2.notify.email.high')).toBe('notify.email.high');
    expect(() => namespaced('Bad.Prefix')).toThrowError(/invalid namespace prefix/);
  });

  it('derives the same id from the same parts, another from other parts', () => {
    expect(deterministicId('evt', 'a@b.fr', 'email')).toBe(deterministicId('evt', 'a@b.fr', 'email'));
    expect(deterministicId('evt', 'a@b.fr', 'email')).not.toBe(deterministicId('evt', 'a@b.fr', 'sms'));
  });
});
