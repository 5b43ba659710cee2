import { defineEvent } from '@express-quote/contracts';
import { createTestNats, type TestNats, testLogger, waitFor } from '@express-quote/testing';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  consumerLag,
  createPublisher,
  ensureContextStream,
  type Publisher,
  runConsumer,
} from '../src/index.ts';
import { captureLogs, makeEvent, sleep } from './support.ts';

const schema = z.object({ n: z.number().int() });
const Burst = defineEvent({ type: 'flow.burst_happened', context: 'notify', schema });
const Drain = defineEvent({ type: 'flow.drain_happened', context: 'notify', schema });
const Stuck = defineEvent({ type: 'flow.stuck_happened', context: 'notify', schema });

let t: TestNats;
let publisher: Publisher;
beforeAll(async () => {
  t = await createTestNats();
  await ensureContextStream(t.jsm, t.ns, 'notify');
  publisher = createPublisher(t.nc, t.ns);
});
afterAll(async () => {
  await t?.cleanup();
});

const publishMany = async (def: typeof Burst | typeof Drain, count: number) => {
  const ids: string[] = [];
  const acks = [];
  for (let n = 0; n < count; n++) {
    const event = makeEvent(def, { n });
    ids.push(event.id);
    acks.push(publisher.publish(event));
  }
  await Promise.all(acks);
  return ids;
};

describe('runConsumer flow control', () => {
  it('never runs more handlers at once than its concurrency', async () => {
    const ids = await publishMany(Burst, 400);
    let running = 0;
    let maxRunning = 0;
    const handled = new Set<string>();
    const consumer = await runConsumer({
      nc: t.nc,
      ns: t.ns,
      logger: testLogger('burst'),
      name: 'burst',
      context: 'notify',
      filterSubject: Burst.subject,
      events: [Burst],
      concurrency: 8,
      maxDeliver: 3,
      backoffMs: [100],
      ackWaitMs: 10_000,
      handler: async (event) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await sleep(Math.random() * 4);
        handled.add(event.id);
        running--;
      },
    });
    await waitFor('all handled', () => handled.size === ids.length, { timeoutMs: 20_000 });
    await consumer.stop();
    // It reached its limit (so the limit is what held it back), and never went above.
    expect(maxRunning).toBe(8);
    // JetStream applies acks asynchronously: the consumer info catches up shortly after stop() flushed them.
    await waitFor('all acked', async () => {
      const lag = await consumerLag(t.jsm, t.ns.stream('notify'), 'burst');
      return lag.pending === 0 && lag.ackPending === 0;
    });
  });

  it('stop() during 200 in-flight messages loses none: each is handled and acked exactly once across two runners', async () => {
    // 200 start at once in runner a; the other 200 must be left for runner b.
    const ids = await publishMany(Drain, 400);
    const handledBy = new Map<string, string[]>();
    let startedA = 0;
    let finishedA = 0;
    const options = (runner: string) => ({
      nc: t.nc,
      ns: t.ns,
      logger: testLogger(runner),
      name: 'drain',
      context: 'notify' as const,
      filterSubject: Drain.subject,
      events: [Drain],
      concurrency: 200,
      maxDeliver: 5,
      backoffMs: [100],
      // A message the server sends while stop() closes the pulls is redelivered after ack_wait (never lost).
      ackWaitMs: 3_000,
      handler: async (event: { id: string }) => {
        if (runner === 'a') startedA++;
        await sleep(100 + Math.random() * 200);
        handledBy.set(event.id, [...(handledBy.get(event.id) ?? []), runner]);
        if (runner === 'a') finishedA++;
      },
    });
    const a = await runConsumer(options('a'));
    await waitFor('runner a busy with 200 messages', () => startedA >= 200, { intervalMs: 5 });
    const inFlightAtStop = startedA - finishedA;
    await a.stop();
    expect(inFlightAtStop).toBeGreaterThanOrEqual(100);
    // Every handler a started finished before stop() returned, and none started afterwards.
    expect(finishedA).toBe(startedA);
    const handledByA = startedA;
    await sleep(200);
    expect(startedA).toBe(handledByA);
    expect(handledByA).toBeLessThan(ids.length);

    const b = await runConsumer(options('b'));
    await waitFor('every message handled', () => handledBy.size === ids.length, { timeoutMs: 20_000 });
    await waitFor('all acked', async () => {
      const lag = await consumerLag(t.jsm, t.ns.stream('notify'), 'drain');
      return lag.pending === 0 && lag.ackPending === 0;
    });
    await b.stop();
    expect([...handledBy.keys()].sort()).toEqual([...ids].sort());
    const twice = [...handledBy.entries()].filter(([, runners]) => runners.length !== 1);
    expect(twice).toEqual([]);
    expect([...handledBy.values()].filter((r) => r[0] === 'a')).toHaveLength(handledByA);
  });

  it('stop({ timeoutMs }) gives up on a stuck handler; JetStream redelivers its message after ack_wait', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const deliveries: { runner: string; count: number }[] = [];
    // Runner a has a connection of its own, closed while its handler is still stuck.
    const ncA = await connect({ servers: t.url });
    const logsA = captureLogs();
    const options = (runner: string) => ({
      nc: runner === 'a' ? ncA : t.nc,
      ns: t.ns,
      logger: runner === 'a' ? logsA.logger : testLogger(runner),
      name: 'stuck',
      context: 'notify' as const,
      filterSubject: Stuck.subject,
      events: [Stuck],
      concurrency: 2,
      maxDeliver: 5,
      backoffMs: [100],
      ackWaitMs: 1_000,
      handler: async (_event: unknown, ctx: { deliveryCount: number }) => {
        deliveries.push({ runner, count: ctx.deliveryCount });
        if (runner === 'a') await released;
      },
    });
    const a = await runConsumer(options('a'));
    await publisher.publish(makeEvent(Stuck, { n: 1 }));
    await waitFor('a stuck on it', () => deliveries.length === 1);
    await a.stop({ timeoutMs: 200 });
    await ncA.close();
    // Without heartbeats from a stopped runner the message comes back after ack_wait, to the next runner.
    const b = await runConsumer(options('b'));
    await waitFor('b got it', () => deliveries.some((d) => d.runner === 'b'), { timeoutMs: 10_000 });
    expect(deliveries).toEqual([
      { runner: 'a', count: 1 },
      { runner: 'b', count: 2 },
    ]);
    // The stuck handler finally returns on a closed connection: its ack goes nowhere, without an error.
    release();
    await waitFor('the late handler settled', () =>
      logsA.lines.some((l) => l.msg === 'message handled' && l.outcome === 'acked'),
    );
    await b.stop();
  });
});
