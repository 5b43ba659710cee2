import { waitFor } from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSUMED_CONTEXTS } from '../src/consumers.ts';
import { type Harness, startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.cleanup());

const scrape = async () => (await h.service.app.inject({ method: 'GET', url: '/metrics' })).body;

describe('GET /metrics', () => {
  it('shows the queue gauges of every durable the service runs, on its own stream, and the DLQ size', async () => {
    const durables: Array<{ stream: string; consumer: string }> = [];
    for (const context of CONSUMED_CONTEXTS) {
      const stream = h.ns.stream(context);
      for await (const info of await h.nats.jsm.consumers.list(stream)) {
        durables.push({ stream, consumer: info.config.durable_name! });
      }
    }
    // One durable per (purpose, filter subject): 12 of them over six streams.
    expect(durables).toHaveLength(12);
    expect(new Set(durables.map((d) => d.stream)).size).toBe(CONSUMED_CONTEXTS.length);
    const expected = [
      ...durables.flatMap(({ stream, consumer }) =>
        ['eq_consumer_pending', 'eq_consumer_ack_pending', 'eq_consumer_redelivered'].map(
          (name) => `${name}{stream="${stream}",consumer="${consumer}"} 0`,
        ),
      ),
      `eq_dlq_messages{stream="${h.ns.stream('dlq')}"} 0`,
    ];
    const body = await waitFor('queue gauges', async () => {
      const text = await scrape();
      return expected.every((line) => text.includes(line)) && text;
    });
    expect(body).not.toMatch(/^eq_consumer_info_failures_total\{/m);
    expect(body).not.toMatch(/^eq_dlq_info_failures_total\{/m);
  });
});
