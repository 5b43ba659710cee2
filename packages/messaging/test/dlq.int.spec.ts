import { createTestNats, type TestNats, waitFor } from '@express-quote/testing';
import { nanos } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  advisorySubjects,
  ensureConsumer,
  ensureContextStream,
  ensureDlqStream,
  listDeadLetters,
  purgeDeadLetters,
  recordRejection,
  redrive,
  showDeadLetter,
} from '../src/index.ts';

let t: TestNats;
beforeAll(async () => {
  t = await createTestNats();
  await ensureContextStream(t.jsm, t.ns, 'payments');
  await ensureContextStream(t.jsm, t.ns, 'documents');
});
afterAll(async () => {
  await t?.cleanup();
});

/** Lets JetStream give up on its own: a consumer that is pulled from but never acks. */
const abandon = async (durable: string, subject: string, payload: string) => {
  const stream = t.ns.stream('payments');
  await ensureConsumer(t.jsm, stream, {
    durable,
    filterSubject: t.ns.subject(subject),
    maxDeliver: 2,
    ackWaitMs: 200,
    maxAckPending: 10,
  });
  const ack = await t.js.publish(t.ns.subject(subject), payload, { msgID: `abandon-${durable}` });
  const consumer = await t.js.consumers.get(stream, durable);
  let deliveries = 0;
  // The advisory is emitted when the consumer next looks for work after the last ack_wait: keep pulling.
  await waitFor(`max deliveries advisory for ${durable}`, async () => {
    const m = await consumer.next({ expires: 1000 });
    if (m) deliveries++;
    const entries = await listDeadLetters(t.jsm, t.ns);
    return entries.find((e) => e.consumer === durable && e.kind === 'max_deliveries');
  });
  expect(deliveries).toBe(2);
  return ack;
};

describe('DLQ', () => {
  it('captures the advisories of the given streams only, by explicit name, and keeps existing limits', async () => {
    const created = await ensureDlqStream(t.jsm, t.ns, ['payments'], { maxAgeMs: 90 * 24 * 3600 * 1000 });
    expect(created.config.subjects.sort()).toEqual(
      [t.ns.contextFilter('dlq'), ...advisorySubjects(t.ns.stream('payments'))].sort(),
    );
    expect(created.config.subjects.some((s) => s.endsWith('.>') && s.startsWith('$JS'))).toBe(false);
    // A second service adds its context without its defaults overriding the owner's 90 days.
    const widened = await ensureDlqStream(t.jsm, t.ns, ['documents']);
    expect(widened.config.subjects).toEqual(
      expect.arrayContaining(advisorySubjects(t.ns.stream('payments'))),
    );
    expect(widened.config.subjects).toEqual(
      expect.arrayContaining(advisorySubjects(t.ns.stream('documents'))),
    );
    expect(widened.config.max_age).toBe(nanos(90 * 24 * 3600 * 1000));
    // Concurrent declarations converge on the union.
    await Promise.all([
      ensureDlqStream(t.jsm, t.ns, ['payments', 'documents']),
      ensureDlqStream(t.jsm, t.ns, ['documents']),
    ]);
    expect((await t.jsm.streams.info(t.ns.stream('dlq'))).config.subjects).toHaveLength(5);
  });

  it('lists what JetStream gave up on (max deliveries) with the original retrievable, and purges it', async () => {
    await ensureDlqStream(t.jsm, t.ns, ['payments']);
    const ack = await abandon('never-acks', 'payments.abandoned', '{"some":"payload"}');
    const [entry] = (await listDeadLetters(t.jsm, t.ns, { stream: 'payments' })).filter(
      (e) => e.consumer === 'never-acks',
    );
    expect(entry).toMatchObject({
      kind: 'max_deliveries',
      stream: t.ns.stream('payments'),
      streamSequence: ack.seq,
      reason: null,
      deliveries: 2,
    });
    expect(new Date(entry!.at).toISOString()).toBe(entry!.at);
    const detail = await showDeadLetter(t.jsm, t.ns, entry!.dlqSequence);
    expect(detail?.original).toMatchObject({
      subject: t.ns.subject('payments.abandoned'),
      data: { some: 'payload' },
    });
    expect(await purgeDeadLetters(t.jsm, t.ns, { kind: 'max_deliveries', consumer: 'never-acks' })).toBe(1);
    expect((await listDeadLetters(t.jsm, t.ns)).filter((e) => e.consumer === 'never-acks')).toEqual([]);
  });

  it('shows a rejection record without advisory as a rejected entry, and filters purges', async () => {
    await ensureDlqStream(t.jsm, t.ns, ['payments', 'documents']);
    const record = (stream: string, seq: number) => ({
      stream,
      streamSequence: seq,
      consumer: 'manual',
      subject: 'x.y',
      reason: `reason ${seq}`,
      at: new Date().toISOString(),
      deliveries: 1,
      eventType: null,
      eventId: null,
    });
    await recordRejection(t.js, t.ns, record(t.ns.stream('payments'), 1001));
    await recordRejection(t.js, t.ns, record(t.ns.stream('documents'), 1002));
    const again = await recordRejection(t.js, t.ns, record(t.ns.stream('documents'), 1002));
    expect(again.duplicate).toBe(true);

    const manual = (await listDeadLetters(t.jsm, t.ns)).filter((e) => e.consumer === 'manual');
    expect(manual.map((e) => [e.kind, e.streamSequence, e.reason])).toEqual([
      ['rejected', 1001, 'reason 1001'],
      ['rejected', 1002, 'reason 1002'],
    ]);
    expect(
      (await listDeadLetters(t.jsm, t.ns, { stream: 'documents' })).map((e) => e.streamSequence),
    ).toEqual([1002]);
    expect(await listDeadLetters(t.jsm, t.ns, { limit: 1 })).toHaveLength(1);

    expect(await purgeDeadLetters(t.jsm, t.ns, { consumer: 'manual', stream: 'documents' })).toBe(1);
    expect(
      (await listDeadLetters(t.jsm, t.ns))
        .filter((e) => e.consumer === 'manual')
        .map((e) => e.streamSequence),
    ).toEqual([1001]);
    expect(
      await purgeDeadLetters(t.jsm, t.ns, { consumer: 'manual', before: new Date(Date.now() - 60_000) }),
    ).toBe(0);
    expect(await purgeDeadLetters(t.jsm, t.ns, { dlqSequences: manual.map((e) => e.dlqSequence) })).toBe(1);
    expect((await listDeadLetters(t.jsm, t.ns)).filter((e) => e.consumer === 'manual')).toEqual([]);
  });

  it('refuses to redrive an entry whose original left its stream, or an unknown entry', async () => {
    await ensureDlqStream(t.jsm, t.ns, ['payments']);
    const ack = await abandon('gone-original', 'payments.gone', '{"a":1}');
    const entry = (await listDeadLetters(t.jsm, t.ns)).find((e) => e.consumer === 'gone-original')!;
    await t.jsm.streams.deleteMessage(t.ns.stream('payments'), ack.seq);
    expect((await showDeadLetter(t.jsm, t.ns, entry.dlqSequence))?.original).toBeNull();
    await expect(redrive(t.jsm, t.ns, entry.dlqSequence)).rejects.toThrow(/no longer in its stream/);
    await expect(redrive(t.jsm, t.ns, 999_999)).rejects.toThrow(/no dead letter #999999/);
    expect(await showDeadLetter(t.jsm, t.ns, 999_999)).toBeNull();
  });

  it('lists nothing for an empty DLQ, and says when there is no DLQ at all', async () => {
    const other = await createTestNats();
    try {
      await expect(listDeadLetters(other.jsm, other.ns)).rejects.toThrow(
        new RegExp(`DLQ stream ${other.ns.stream('dlq')} does not exist`),
      );
      await ensureDlqStream(other.jsm, other.ns, ['payments']);
      expect(await listDeadLetters(other.jsm, other.ns)).toEqual([]);
    } finally {
      await other.cleanup();
    }
  });
});
