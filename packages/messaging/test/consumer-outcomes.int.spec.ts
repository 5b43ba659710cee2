import { defineEvent, type EventDefinition } from '@express-quote/contracts';
import { createTestNats, type TestNats, testLogger, waitFor } from '@express-quote/testing';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  consumerLag,
  createPublisher,
  ensureContextStream,
  listDeadLetters,
  PermanentError,
  type Publisher,
  RetryableError,
  type RunConsumerOptions,
  type RunningConsumer,
  redrive,
  runConsumer,
  showDeadLetter,
} from '../src/index.ts';
import { captureLogs, makeEvent, sleep } from './support.ts';

const schema = z.object({ n: z.number().int(), note: z.string().optional() });
const Flaky = defineEvent({ type: 'outcomes.flaky_happened', context: 'bookings', schema });
const Doomed = defineEvent({ type: 'outcomes.doomed_happened', context: 'bookings', schema });
const Exhausted = defineEvent({ type: 'outcomes.exhausted_happened', context: 'bookings', schema });
const Strict = defineEvent({ type: 'outcomes.strict_happened', context: 'bookings', schema });
const Slow = defineEvent({ type: 'outcomes.slow_happened', context: 'bookings', schema });

let t: TestNats;
let publisher: Publisher;
const running: RunningConsumer[] = [];

beforeAll(async () => {
  t = await createTestNats();
  await ensureContextStream(t.jsm, t.ns, 'bookings');
  publisher = createPublisher(t.nc, t.ns);
});
afterAll(async () => {
  for (const r of running) await r.stop();
  await t?.cleanup();
});

const start = async <D extends EventDefinition>(
  options: Pick<RunConsumerOptions<D>, 'name' | 'events' | 'handler'> & Partial<RunConsumerOptions<D>>,
) => {
  const r = await runConsumer({
    nc: t.nc,
    ns: t.ns,
    logger: testLogger(options.name),
    context: 'bookings',
    filterSubject: options.events[0]!.subject,
    concurrency: 4,
    maxDeliver: 5,
    backoffMs: [100],
    ackWaitMs: 10_000,
    ...options,
  });
  running.push(r);
  return r;
};

const metric = async (registry: Registry, name: string, labels: Record<string, string>) => {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  const v = m?.values.find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l));
  return v?.value ?? 0;
};

describe('runConsumer outcomes', () => {
  it('naks failures with the backoff of the delivery count, or the delay the error asks for, then acks', async () => {
    const registry = new Registry();
    const deliveries = new Map<number, { count: number; at: number }[]>();
    await start({
      name: 'flaky',
      events: [Flaky],
      registry,
      maxDeliver: 6,
      backoffMs: [150, 300, 600],
      handler: async (event, ctx) => {
        const seen = deliveries.get(event.data.n) ?? [];
        seen.push({ count: ctx.deliveryCount, at: performance.now() });
        deliveries.set(event.data.n, seen);
        if (event.data.n === 1 && ctx.deliveryCount < 4) throw new Error('provider timeout');
        if (event.data.n === 2 && ctx.deliveryCount < 2)
          throw new RetryableError('rate limited', { delayMs: 700 });
      },
    });
    await publisher.publish(makeEvent(Flaky, { n: 1 }));
    await publisher.publish(makeEvent(Flaky, { n: 2 }));
    await waitFor(
      'both messages acked',
      () => deliveries.get(1)?.length === 4 && deliveries.get(2)?.length === 2,
    );

    const one = deliveries.get(1)!;
    expect(one.map((d) => d.count)).toEqual([1, 2, 3, 4]);
    // Lower bounds only: each redelivery came no sooner than the backoff step of the failed delivery.
    expect(one[1]!.at - one[0]!.at).toBeGreaterThanOrEqual(150);
    expect(one[2]!.at - one[1]!.at).toBeGreaterThanOrEqual(300);
    expect(one[3]!.at - one[2]!.at).toBeGreaterThanOrEqual(600);
    const two = deliveries.get(2)!;
    expect(two[1]!.at - two[0]!.at).toBeGreaterThanOrEqual(700);

    await waitFor(
      'acks recorded',
      async () => (await consumerLag(t.jsm, t.ns.stream('bookings'), 'flaky')).ackPending === 0,
    );
    expect(await consumerLag(t.jsm, t.ns.stream('bookings'), 'flaky')).toMatchObject({
      pending: 0,
      ackPending: 0,
    });
    expect(
      await metric(registry, 'eq_consumer_messages_total', { consumer: 'flaky', outcome: 'acked' }),
    ).toBe(2);
    expect(
      await metric(registry, 'eq_consumer_messages_total', { consumer: 'flaky', outcome: 'retried' }),
    ).toBe(4);
    expect(await metric(registry, 'eq_consumer_redeliveries_total', { consumer: 'flaky' })).toBe(4);
  });

  it('terminates a PermanentError once, never redelivers it, and records the reason in the DLQ', async () => {
    let calls = 0;
    const logs = captureLogs();
    await start({
      name: 'doomed',
      events: [Doomed],
      logger: logs.logger,
      ackWaitMs: 300,
      handler: async () => {
        calls++;
        throw new PermanentError('invalid phone number');
      },
    });
    const event = makeEvent(Doomed, { n: 1, note: 'jean.dupont@example.com' });
    const ack = await publisher.publish(event);
    const entry = await waitFor('a DLQ entry', async () =>
      (await listDeadLetters(t.jsm, t.ns)).find((e) => e.consumer === 'doomed' && e.kind === 'terminated'),
    );
    expect(entry).toMatchObject({
      kind: 'terminated',
      stream: t.ns.stream('bookings'),
      streamSequence: ack.seq,
      consumer: 'doomed',
      subject: t.ns.subject(Doomed.subject),
      reason: 'invalid phone number',
      deliveries: 1,
    });
    // Well past ack_wait and the backoff: a terminated message stays terminated.
    await sleep(1_000);
    expect(calls).toBe(1);
    expect(await consumerLag(t.jsm, t.ns.stream('bookings'), 'doomed')).toMatchObject({
      pending: 0,
      ackPending: 0,
    });

    const line = logs.lines.find((l) => l.msg === 'message handled');
    expect(line).toMatchObject({
      consumer: 'doomed',
      type: Doomed.type,
      eventId: event.id,
      correlationId: event.correlationId,
      outcome: 'terminated',
      reason: 'invalid phone number',
    });
    expect(typeof line?.durationMs).toBe('number');
    // One line per message, and never the payload.
    expect(logs.lines.filter((l) => l.msg === 'message handled')).toHaveLength(1);
    expect(logs.text()).not.toContain('jean.dupont@example.com');
  });

  it('dead-letters a message that exhausts max_deliver; its original is retrievable and a redrive handles it again', async () => {
    let failing = true;
    const handled: { id: string; deliveryCount: number }[] = [];
    await start({
      name: 'exhausted',
      events: [Exhausted],
      maxDeliver: 3,
      backoffMs: [50],
      handler: async (event, ctx) => {
        handled.push({ id: event.id, deliveryCount: ctx.deliveryCount });
        if (failing) throw new Error('smtp 451 try later');
      },
    });
    const event = makeEvent(Exhausted, { n: 7 });
    const ack = await publisher.publish(event);
    // The rejection record comes first, the MSG_TERMINATED advisory a moment later: wait for the joined entry.
    const entry = await waitFor('a DLQ entry', async () =>
      (await listDeadLetters(t.jsm, t.ns, { stream: 'bookings' })).find(
        (e) => e.consumer === 'exhausted' && e.kind === 'terminated',
      ),
    );
    expect(handled.map((h) => h.deliveryCount)).toEqual([1, 2, 3]);
    expect(entry).toMatchObject({
      kind: 'terminated',
      streamSequence: ack.seq,
      reason: 'max deliveries (3/3): smtp 451 try later',
      deliveries: 3,
    });

    const detail = await showDeadLetter(t.jsm, t.ns, entry.dlqSequence);
    expect(detail?.original).toMatchObject({
      subject: t.ns.subject(Exhausted.subject),
      data: event,
    });
    expect(detail?.original?.headers['Eq-Type']).toEqual([Exhausted.type]);

    failing = false;
    const result = await redrive(t.jsm, t.ns, entry.dlqSequence);
    expect(result.duplicate).toBe(false);
    expect(result.sequence).toBeGreaterThan(ack.seq);
    await waitFor('the redriven message handled', () => handled.length === 4);
    expect(handled[3]).toEqual({ id: event.id, deliveryCount: 1 });
    expect((await listDeadLetters(t.jsm, t.ns)).find((e) => e.consumer === 'exhausted')).toBeUndefined();
    const copy = await t.jsm.streams.getMessage(t.ns.stream('bookings'), { seq: result.sequence });
    expect(copy?.header.get('Eq-Redrive-Of')).toBe(`${t.ns.stream('bookings')}:${ack.seq}`);
    await waitFor(
      'the copy acked',
      async () => (await consumerLag(t.jsm, t.ns.stream('bookings'), 'exhausted')).ackPending === 0,
    );
  });

  it('terminates invalid messages (not JSON, bad data, unexpected type) without calling the handler', async () => {
    const registry = new Registry();
    let calls = 0;
    await start({
      name: 'strict',
      events: [Strict],
      registry,
      // A wide filter: the other tests' types on it are unexpected for this consumer.
      filterSubject: 'bookings.outcomes.>',
      maxDeliver: 3,
      handler: async () => {
        calls++;
      },
    });
    const subject = t.ns.subject('bookings.outcomes.strict_happened');
    const bad = await t.js.publish(subject, 'this is { not json');
    const wrongData = await t.js.publish(
      subject,
      JSON.stringify({ ...makeEvent(Strict, { n: 1 }), data: { n: 'one' } }),
    );
    const notAnEnvelope = await t.js.publish(subject, JSON.stringify({ hello: 'world' }));
    const valid = await publisher.publish(makeEvent(Strict, { n: 2 }));

    const entries = await waitFor('three DLQ entries for strict', async () => {
      const all = (await listDeadLetters(t.jsm, t.ns)).filter(
        (e) => e.consumer === 'strict' && e.kind === 'terminated',
      );
      return all.filter((e) => [bad.seq, wrongData.seq, notAnEnvelope.seq].includes(e.streamSequence))
        .length === 3
        ? all
        : undefined;
    });
    const reasonOf = (seq: number) => entries.find((e) => e.streamSequence === seq)?.reason;
    expect(reasonOf(bad.seq)).toBe('payload is not valid JSON');
    expect(reasonOf(wrongData.seq)).toMatch(/^invalid outcomes\.strict_happened data: n: /);
    expect(reasonOf(notAnEnvelope.seq)).toMatch(/^invalid envelope/);
    expect(entries.find((e) => e.streamSequence === valid.seq)).toBeUndefined();
    await waitFor('valid one handled', () => calls >= 1);
    // The messages of the other tests (other types on bookings.outcomes.>) are unexpected for this consumer too.
    const unexpected = entries.filter((e) => e.reason?.startsWith('unexpected event type'));
    expect(unexpected.every((e) => /expected outcomes\.strict_happened/.test(e.reason ?? ''))).toBe(true);
    expect(
      await metric(registry, 'eq_consumer_messages_total', { consumer: 'strict', outcome: 'invalid' }),
    ).toBeGreaterThanOrEqual(3);
  });

  it('keeps a slow handler from redelivery with working() heartbeats', async () => {
    const deliveries: number[] = [];
    await start({
      name: 'slow',
      events: [Slow],
      ackWaitMs: 600,
      handler: async (_event, ctx) => {
        deliveries.push(ctx.deliveryCount);
        await sleep(2_500);
      },
    });
    await publisher.publish(makeEvent(Slow, { n: 1 }));
    await waitFor(
      'acked',
      async () => {
        const lag = await consumerLag(t.jsm, t.ns.stream('bookings'), 'slow');
        return deliveries.length > 0 && lag.ackPending === 0 && lag.pending === 0;
      },
      { timeoutMs: 10_000 },
    );
    expect(deliveries).toEqual([1]);
    expect((await consumerLag(t.jsm, t.ns.stream('bookings'), 'slow')).redelivered).toBe(0);
  });
});
