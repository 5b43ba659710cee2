import {
  createTestDatabase,
  createTestNats,
  type TestDatabase,
  type TestNats,
  waitFor,
} from '@express-quote/testing';
import type { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentsService } from '../src/service.ts';
import { startService } from './service-harness.ts';

let tn: TestNats;
let database: TestDatabase;
let service: (DocumentsService & { registry: Registry }) | undefined;

beforeAll(async () => {
  [tn, database] = await Promise.all([createTestNats(), createTestDatabase()]);
  service = await startService({ natsUrl: tn.url, ns: tn.ns, databaseUrl: database.url });
});
afterAll(async () => {
  await service?.stop();
  await tn?.cleanup();
  await database?.drop();
});

const scrape = async () => (await service!.app.inject({ method: 'GET', url: '/metrics' })).body;

describe('GET /metrics', () => {
  it('shows the queue gauges of both durables, on their own streams, and the DLQ size', async () => {
    const durables: Array<{ stream: string; consumer: string }> = [];
    for (const context of ['bookings', 'attribution'] as const) {
      const stream = tn.ns.stream(context);
      for await (const info of await tn.jsm.consumers.list(stream)) {
        durables.push({ stream, consumer: info.config.durable_name! });
      }
    }
    expect(durables).toEqual([
      { stream: tn.ns.stream('bookings'), consumer: 'documents-booking-confirmed' },
      { stream: tn.ns.stream('attribution'), consumer: 'documents-professional-proposed' },
    ]);
    const expected = [
      ...durables.flatMap(({ stream, consumer }) =>
        ['eq_consumer_pending', 'eq_consumer_ack_pending', 'eq_consumer_redelivered'].map(
          (name) => `${name}{stream="${stream}",consumer="${consumer}"} 0`,
        ),
      ),
      `eq_dlq_messages{stream="${tn.ns.stream('dlq')}"} 0`,
    ];
    const body = await waitFor('queue gauges', async () => {
      const text = await scrape();
      return expected.every((line) => text.includes(line)) && text;
    });
    expect(body).not.toMatch(/^eq_consumer_info_failures_total\{/m);
    expect(body).not.toMatch(/^eq_dlq_info_failures_total\{/m);
  });
});
