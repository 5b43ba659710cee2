import { createTestNats, type TestNats, waitFor } from '@express-quote/testing';
import { AckPolicy, type Consumer } from '@nats-io/jetstream';
import { Gauge, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MetricsPoller, registerConsumerLagMetrics, registerDlqSizeMetric } from '../src/index.ts';

let nats: TestNats;
const pollers: MetricsPoller[] = [];
const track = (poller: MetricsPoller) => {
  pollers.push(poller);
  return poller;
};

beforeAll(async () => {
  nats = await createTestNats();
});
afterAll(async () => {
  for (const p of pollers) p.stop();
  await nats?.cleanup();
});

/** The value of one series, or undefined when the series does not exist. */
const seriesValue = async (registry: Registry, name: string, labels: Record<string, string>) => {
  const metric = registry.getSingleMetric(name);
  if (!metric) return undefined;
  const { values } = await metric.get();
  return values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
};

const addStream = async (context: string, messages: number) => {
  const name = nats.ns.stream(context as never);
  const subject = nats.ns.subject(`${context}.thing`);
  await nats.jsm.streams.add({ name, subjects: [nats.ns.subject(`${context}.>`)] });
  for (let i = 0; i < messages; i++) await nats.js.publish(subject, `m${i}`);
  return { name, subject };
};

describe('registerConsumerLagMetrics', () => {
  let stream: string;
  let consumer: Consumer;

  beforeAll(async () => {
    ({ name: stream } = await addStream('bookings', 5));
    await nats.jsm.consumers.add(stream, {
      durable_name: 'lag-test',
      ack_policy: AckPolicy.Explicit,
      ack_wait: 60_000_000_000,
    });
    consumer = await nats.js.consumers.get(stream, 'lag-test');
  });

  it('exports waiting, active and redelivered counts from the consumer info', async () => {
    const registry = new Registry();
    const poller = track(
      registerConsumerLagMetrics(registry, nats.jsm, [{ stream, durable: 'lag-test' }], 60_000),
    );
    const labels = { stream, consumer: 'lag-test' };
    await poller.refresh();
    expect(await seriesValue(registry, 'eq_consumer_pending', labels)).toBe(5);
    expect(await seriesValue(registry, 'eq_consumer_ack_pending', labels)).toBe(0);

    // Two delivered and held: 3 waiting, 2 active; one of them handed back and delivered again.
    const first = await consumer.fetch({ max_messages: 2, expires: 2_000 });
    const held = [];
    for await (const m of first) held.push(m);
    expect(held).toHaveLength(2);
    held[0]!.nak();
    await nats.nc.flush(); // the server has the nak before the next pull: redeliveries go first
    const again = await consumer.fetch({ max_messages: 1, expires: 2_000 });
    for await (const m of again) expect(m.info.deliveryCount).toBe(2);

    await poller.refresh();
    expect(await seriesValue(registry, 'eq_consumer_pending', labels)).toBe(3);
    expect(await seriesValue(registry, 'eq_consumer_ack_pending', labels)).toBe(2);
    expect(await seriesValue(registry, 'eq_consumer_redelivered', labels)).toBe(1);
    const text = await registry.metrics();
    expect(text).toContain(`eq_consumer_pending{stream="${stream}",consumer="lag-test"} 3`);
  });

  it('reads by itself on registration and then on its interval, without refresh()', async () => {
    const registry = new Registry();
    track(registerConsumerLagMetrics(registry, nats.jsm, [{ stream, durable: 'lag-test' }], 50));
    const labels = { stream, consumer: 'lag-test' };
    await waitFor(
      'the first poll',
      async () => (await seriesValue(registry, 'eq_consumer_pending', labels)) === 3,
    );
  });

  it('counts a failure and drops the series of a consumer that no longer exists', async () => {
    await nats.jsm.consumers.add(stream, { durable_name: 'lag-gone', ack_policy: AckPolicy.Explicit });
    const registry = new Registry();
    const poller = track(
      registerConsumerLagMetrics(registry, nats.jsm, [{ stream, durable: 'lag-gone' }], 60_000),
    );
    const labels = { stream, consumer: 'lag-gone' };
    await poller.refresh();
    expect(await seriesValue(registry, 'eq_consumer_pending', labels)).toBe(5);

    await nats.jsm.consumers.delete(stream, 'lag-gone');
    await poller.refresh();
    expect(await seriesValue(registry, 'eq_consumer_pending', labels)).toBeUndefined();
    expect(await seriesValue(registry, 'eq_consumer_ack_pending', labels)).toBeUndefined();
    expect(await seriesValue(registry, 'eq_consumer_info_failures_total', labels)).toBe(1);
  });

  it('shares its gauges between two collectors of one registry', async () => {
    await nats.jsm.consumers.add(stream, { durable_name: 'lag-other', ack_policy: AckPolicy.Explicit });
    const registry = new Registry();
    const a = track(
      registerConsumerLagMetrics(registry, nats.jsm, [{ stream, durable: 'lag-test' }], 60_000),
    );
    const b = track(
      registerConsumerLagMetrics(registry, nats.jsm, [{ stream, durable: 'lag-other' }], 60_000),
    );
    await Promise.all([a.refresh(), b.refresh()]);
    expect(await seriesValue(registry, 'eq_consumer_pending', { consumer: 'lag-test' })).toBe(3);
    expect(await seriesValue(registry, 'eq_consumer_pending', { consumer: 'lag-other' })).toBe(5);
  });

  it("refuses to mix with a service's own gauge of the same name and other labels", () => {
    const registry = new Registry();
    new Gauge({ name: 'eq_consumer_pending', help: 'own', labelNames: ['consumer'], registers: [registry] });
    expect(() => registerConsumerLagMetrics(registry, nats.jsm, [], 60_000)).toThrow(
      /eq_consumer_pending is already registered with labels \[consumer\].*labels \[consumer,stream\]/,
    );
  });

  it('refuses an interval that is not a positive integer', () => {
    expect(() => registerConsumerLagMetrics(new Registry(), nats.jsm, [], 0)).toThrow(/intervalMs/);
  });
});

describe('registerDlqSizeMetric', () => {
  it('exports the records of the DLQ stream, back to 0 once purged', async () => {
    const { name } = await addStream('dlq', 3);
    const registry = new Registry();
    const poller = track(registerDlqSizeMetric(registry, nats.jsm, name, 60_000));
    await poller.refresh();
    expect(await seriesValue(registry, 'eq_dlq_messages', { stream: name })).toBe(3);

    await nats.jsm.streams.purge(name);
    await poller.refresh();
    expect(await seriesValue(registry, 'eq_dlq_messages', { stream: name })).toBe(0);
  });

  it('has no series and counts a failure while the stream does not exist', async () => {
    const missing = nats.ns.stream('notifications');
    const registry = new Registry();
    const poller = track(registerDlqSizeMetric(registry, nats.jsm, missing, 60_000));
    await poller.refresh();
    expect(await seriesValue(registry, 'eq_dlq_messages', { stream: missing })).toBeUndefined();
    expect(
      await seriesValue(registry, 'eq_dlq_info_failures_total', { stream: missing }),
    ).toBeGreaterThanOrEqual(1);
  });
});
