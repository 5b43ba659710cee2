import { Gauge, type Registry } from 'prom-client';

const RELAY_LAG = 'eq_relay_lag_events';

// The stores whose lag one registry's gauge reads at scrape time.
const storesByRegistry = new WeakMap<Registry, Map<string, () => Promise<number>>>();

/**
 * `eq_relay_lag_events{store}`: events committed to a store and not yet published to JetStream, read at scrape
 * time (pass the relay's `lag`; payments, which has no event store, defines the same gauge for its Stripe event log).
 * One name for every store, so one alert and one panel cover them all. When the database does not answer the
 * last value stays (readiness reports the outage) rather than failing the whole scrape.
 */
export const registerRelayLagMetric = (
  registry: Registry,
  store: string,
  lag: () => Promise<number>,
): void => {
  let stores = storesByRegistry.get(registry);
  if (!stores) {
    const registered = new Map<string, () => Promise<number>>();
    stores = registered;
    storesByRegistry.set(registry, registered);
    new Gauge({
      name: RELAY_LAG,
      help: 'Events committed to a store and not yet published to JetStream',
      labelNames: ['store'],
      registers: [registry],
      async collect() {
        await Promise.all(
          [...registered].map(async ([name, read]) => {
            try {
              this.set({ store: name }, await read());
            } catch {
              // Keep the last value: a scrape must not fail because one database is unreachable.
            }
          }),
        );
      },
    });
  }
  if (stores.has(store)) throw new Error(`${RELAY_LAG}: store ${store} is already registered`);
  stores.set(store, lag);
};
