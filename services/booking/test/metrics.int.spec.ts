import { waitFor } from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteBody, type RunningBooking, startTestBooking } from './harness.ts';

let bk: RunningBooking;
beforeAll(async () => {
  bk = await startTestBooking();
});
afterAll(() => bk?.stop());

const scrape = async () => (await bk.service.app.inject({ method: 'GET', url: '/metrics' })).body;

describe('GET /metrics', () => {
  it('shows the queue gauges of every durable the service runs, and the DLQ size', async () => {
    const stream = bk.nats.ns.stream('payments');
    const durables: string[] = [];
    for await (const info of await bk.nats.jsm.consumers.list(stream))
      durables.push(info.config.durable_name!);
    expect(durables.sort()).toEqual([
      'booking-checkout-expired',
      'booking-payment-completed',
      'booking-payment-failed',
      'booking-payment-refunded',
    ]);
    const expected = [
      ...durables.flatMap((consumer) =>
        ['eq_consumer_pending', 'eq_consumer_ack_pending', 'eq_consumer_redelivered'].map(
          (name) => `${name}{stream="${stream}",consumer="${consumer}"} 0`,
        ),
      ),
      `eq_dlq_messages{stream="${bk.nats.ns.stream('dlq')}"} 0`,
    ];
    const body = await waitFor('queue gauges', async () => {
      const text = await scrape();
      return expected.every((line) => text.includes(line)) && text;
    });
    // Every consumer info request answered: the gauges read the streams the consumers are on.
    expect(body).not.toMatch(/^eq_consumer_info_failures_total\{/m);
    expect(body).not.toMatch(/^eq_dlq_info_failures_total\{/m);
  });

  it('times event store appends and reports the relay lag of the booking store', async () => {
    expect(await scrape()).toContain('eq_eventstore_append_conflicts_total{schema="booking"} 0');
    const created = await bk.service.app.inject({ method: 'POST', url: '/api/quotes', payload: quoteBody() });
    expect(created.statusCode).toBe(201);
    const body = await scrape();
    expect(body).toContain('eq_eventstore_append_seconds_count{schema="booking"} 1');
    expect(body).toMatch(/^eq_relay_lag_events\{store="booking"\} \d+$/m);
    // The relay publishes the quote's event: the lag goes back to 0.
    await waitFor('relay caught up', async () =>
      (await scrape()).includes('eq_relay_lag_events{store="booking"} 0'),
    );
    expect(body).not.toContain('booking_relay_lag_events');
  });
});
