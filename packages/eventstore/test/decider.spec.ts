import { deterministicId, EnvelopeSchema } from '@express-quote/contracts';
import { describe, expect, it } from 'vitest';
import { deciderSpec, envelopesFromCommand, foldEvents } from '../src/index.ts';
import './ledger-events.ts';
import {
  close,
  closed,
  InsufficientBalance,
  LedgerIsClosed,
  ledger,
  meta,
  record,
  recorded,
} from './ledger-decider.ts';

const spec = deciderSpec(ledger);

describe('the ledger decider (given / when / then)', () => {
  const cases = [
    { name: 'first entry', given: [], when: record(500), emits: [recorded(500)] },
    { name: 'debit within balance', given: [recorded(500)], when: record(-300), emits: [recorded(-300)] },
    { name: 'zero amount records nothing', given: [recorded(500)], when: record(0), emits: [] },
    { name: 'close an open ledger', given: [recorded(500)], when: close('fin'), emits: [closed('fin')] },
    { name: 'closing twice is a no-op', given: [closed('fin')], when: close('encore'), emits: [] },
  ];
  it.each(cases)('$name', ({ given, when, emits }) => spec.given(given).when(when).thenEmits(emits));

  it('refuses a debit beyond the balance', () =>
    spec
      .given([recorded(100)])
      .when(record(-101))
      .thenThrows(InsufficientBalance));
  it('refuses entries on a closed ledger', () =>
    spec
      .given([recorded(100), closed('fin')])
      .when(record(5))
      .thenThrows(LedgerIsClosed));

  it('fails when the decision differs from the expectation', () => {
    expect(() =>
      spec
        .given([])
        .when(record(500))
        .thenEmits([recorded(501)]),
    ).toThrow();
    expect(() => spec.given([]).when(record(500)).thenNothing()).toThrow();
    expect(() => spec.given([]).when(record(500)).thenThrows(LedgerIsClosed)).toThrow();
  });

  it('folds events over a fresh initial state each time', () => {
    expect(foldEvents(ledger, [recorded(500), recorded(-200), closed('fin')])).toEqual({
      balanceCents: 300,
      entries: 2,
      closed: true,
    });
    expect(foldEvents(ledger, [])).toEqual({ balanceCents: 0, entries: 0, closed: false });
  });
});

describe('envelopesFromCommand', () => {
  const command = record(500, meta('evt_stripe_1', '2026-03-01T10:00:00.000Z'));

  it('carries the cause, correlation and business time onto valid envelopes', () => {
    const [envelope] = envelopesFromCommand([recorded(500)], { command, streamId: 'ledger-1' });
    expect(EnvelopeSchema.parse(envelope)).toEqual(envelope);
    expect(envelope).toMatchObject({
      type: 'ledger.entry_recorded',
      version: 1,
      occurredAt: '2026-03-01T10:00:00.000Z',
      streamId: 'ledger-1',
      causationId: 'evt_stripe_1',
      correlationId: 'corr-ledger',
      data: { amountCents: 500 },
    });
  });

  it('derives the same ids for the same cause, command and stream, and different ones otherwise', () => {
    const events = [recorded(500), recorded(600)];
    const once = envelopesFromCommand(events, { command, streamId: 'ledger-1' }).map((e) => e.id);
    const again = envelopesFromCommand(events, { command, streamId: 'ledger-1' }).map((e) => e.id);
    expect(again).toEqual(once);
    expect(new Set(once).size).toBe(2);
    expect(once[0]).toBe(
      deterministicId('eventstore', 'evt_stripe_1', 'record_entry', '{"amountCents":500}', 'ledger-1', 0),
    );
    const otherStream = envelopesFromCommand(events, { command, streamId: 'ledger-2' }).map((e) => e.id);
    const otherCause = envelopesFromCommand(events, {
      command: record(500, meta('evt_stripe_2')),
      streamId: 'ledger-1',
    }).map((e) => e.id);
    const otherCommand = envelopesFromCommand(events, {
      command: close('fin', meta('evt_stripe_1')),
      streamId: 'ledger-1',
    }).map((e) => e.id);
    const otherData = envelopesFromCommand(events, {
      command: record(501, meta('evt_stripe_1')),
      streamId: 'ledger-1',
    }).map((e) => e.id);
    for (const other of [otherStream, otherCause, otherCommand, otherData]) {
      expect(other.some((id) => once.includes(id))).toBe(false);
    }
  });

  it('ignores the key order of the command data', () => {
    const a = { type: 'x', data: { b: 1, a: { d: 2, c: 3 } }, metadata: meta() };
    const b = { type: 'x', data: { a: { c: 3, d: 2 }, b: 1 }, metadata: meta() };
    expect(envelopesFromCommand([recorded(1)], { command: a, streamId: 's' })[0]!.id).toBe(
      envelopesFromCommand([recorded(1)], { command: b, streamId: 's' })[0]!.id,
    );
  });

  it('accepts a Date as business time', () => {
    const at = new Date('2026-06-01T08:30:00.000Z');
    const [envelope] = envelopesFromCommand([recorded(1)], {
      command: record(1, { causationId: 'c', correlationId: 'k', now: at }),
      streamId: 'ledger-1',
    });
    expect(envelope!.occurredAt).toBe('2026-06-01T08:30:00.000Z');
  });
});
