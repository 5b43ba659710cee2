import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerRelayLagMetric } from '../src/index.ts';

const scrape = async (registry: Registry) => {
  const { values } = await registry.getSingleMetric('eq_relay_lag_events')!.get();
  return Object.fromEntries(values.map((v) => [v.labels.store, v.value]));
};

describe('eq_relay_lag_events', () => {
  it('reads each store lag at scrape time, one series per store', async () => {
    const registry = new Registry();
    let booking = 3;
    registerRelayLagMetric(registry, 'booking', async () => booking);
    registerRelayLagMetric(registry, 'attribution', async () => 0);
    expect(await scrape(registry)).toEqual({ booking: 3, attribution: 0 });
    booking = 0;
    expect(await scrape(registry)).toEqual({ booking: 0, attribution: 0 });
    expect(await registry.metrics()).toContain('eq_relay_lag_events{store="booking"} 0');
  });

  it('keeps the last value of a store whose database does not answer, without failing the scrape', async () => {
    const registry = new Registry();
    let down = false;
    registerRelayLagMetric(registry, 'booking', async () => {
      if (down) throw new Error('connection refused');
      return 7;
    });
    registerRelayLagMetric(registry, 'payments', async () => 1);
    expect(await scrape(registry)).toEqual({ booking: 7, payments: 1 });
    down = true;
    expect(await scrape(registry)).toEqual({ booking: 7, payments: 1 });
  });

  it('refuses the same store twice on one registry, and keeps registries apart', async () => {
    const a = new Registry();
    const b = new Registry();
    registerRelayLagMetric(a, 'booking', async () => 1);
    registerRelayLagMetric(b, 'booking', async () => 2);
    expect(() => registerRelayLagMetric(a, 'booking', async () => 3)).toThrow(/already registered/);
    expect(await scrape(a)).toEqual({ booking: 1 });
    expect(await scrape(b)).toEqual({ booking: 2 });
  });
});
