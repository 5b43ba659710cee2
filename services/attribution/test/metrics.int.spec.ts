import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { professional } from './fixtures.ts';
import { type Harness, startHarness } from './harness.ts';

// A geocoding API that is down until the test says otherwise.
let apiUp = false;
let geocoderCalls = 0;
let api: Server;
let h: Harness;

beforeAll(async () => {
  api = createServer((_req, res) => {
    geocoderCalls++;
    res.writeHead(apiUp ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify(apiUp ? { type: 'FeatureCollection', features: [] } : { code: 503 }));
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  h = await startHarness({
    professionals: [professional()],
    env: {
      GEOCODER_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
      GEOCODER_BREAKER_FAILURES: '2',
      GEOCODER_BREAKER_HALF_OPEN_MS: '200ms',
    },
  });
});
afterAll(async () => {
  await h?.stop();
  await new Promise((resolve) => api?.close(resolve));
});

const scrape = async () => (await h.service.app.inject({ method: 'GET', url: '/metrics' })).body;
const CIRCUIT = 'eq_provider_circuit_state{provider="api-adresse"}';
const locate = (street: string) =>
  h.service.deps.locator.locate({ street, postcode: '75011', city: 'Paris' });

describe('GET /metrics', () => {
  it('shows the queue gauges of every durable the service runs, and the DLQ size', async () => {
    const stream = h.nats.ns.stream('bookings');
    const durables: string[] = [];
    for await (const info of await h.nats.jsm.consumers.list(stream))
      durables.push(info.config.durable_name!);
    expect(durables.sort()).toEqual(['attribution-booking-cancelled', 'attribution-booking-confirmed']);
    const expected = [
      ...durables.flatMap((consumer) =>
        ['eq_consumer_pending', 'eq_consumer_ack_pending', 'eq_consumer_redelivered'].map(
          (name) => `${name}{stream="${stream}",consumer="${consumer}"} 0`,
        ),
      ),
      `eq_dlq_messages{stream="${h.nats.ns.stream('dlq')}"} 0`,
    ];
    const body = await waitFor('queue gauges', async () => {
      const text = await scrape();
      return expected.every((line) => text.includes(line)) && text;
    });
    expect(body).not.toMatch(/^eq_consumer_info_failures_total\{/m);
    expect(body).not.toMatch(/^eq_dlq_info_failures_total\{/m);
  });

  it('reports the event store and its relay under the shared names', async () => {
    const body = await scrape();
    expect(body).toContain('eq_eventstore_append_conflicts_total{schema="attribution"} 0');
    expect(body).toContain('eq_relay_lag_events{store="attribution"} 0');
    expect(body).not.toContain('attribution_relay_lag_events');
  });

  it("follows the geocoder's circuit: closed, open after consecutive failures, closed after a good probe", async () => {
    expect(await scrape()).toContain(`${CIRCUIT} 0`);
    // Each failure falls back to the offline tables; the second one opens the circuit.
    for (const street of ['1 rue A', '2 rue B'])
      expect((await locate(street)).source).not.toBe('api-adresse');
    // cockatiel leaves "open" only when a call comes after the open period: the gauge stays at 2 until then.
    expect(await scrape()).toContain(`${CIRCUIT} 2`);
    const callsWhileOpen = geocoderCalls;

    apiUp = true;
    // Once the open period is over, the next call is the probe: it succeeds and closes the circuit.
    await waitFor('circuit closed by a probe', async () => {
      await locate(`4 rue D ${Date.now()}`);
      return (await scrape()).includes(`${CIRCUIT} 0`);
    });
    expect(geocoderCalls).toBeGreaterThan(callsWhileOpen);
  });
});
