import type { Counter, Gauge, Registry } from 'prom-client';
import { startPeriodicTask } from './periodic-task.ts';

/** Periodic reader of values that are costly to fetch at scrape time (a NATS request per consumer). */
export interface MetricsPoller {
  /** Reads the values now (what the timer does); resolves once the gauges are updated. Never rejects. */
  refresh(): Promise<void>;
  /** Stops the timer; call it before the NATS connection is drained. */
  stop(): void;
}

/**
 * Runs `read` now and every `intervalMs`. A slow round is never overlapped by the next one: a refresh while a
 * round runs waits for that round. The timer is unref'd so it never keeps a stopping process alive.
 */
export const startPoller = (read: () => Promise<void>, intervalMs: number): MetricsPoller => {
  const task = startPeriodicTask({ run: read, intervalMs, fallback: undefined, runAtStart: true });
  return {
    refresh: task.tick,
    stop() {
      void task.stop();
    },
  };
};

type MetricClass<M> = new (config: {
  name: string;
  help: string;
  labelNames: readonly string[];
  registers: Registry[];
}) => M;

/**
 * The metric `name` of this registry, created once: a second collector on the same registry shares it. A metric
 * of that name of another kind or with other labels (a service's own definition) is refused with a message
 * naming both label sets.
 */
export const sharedMetric = <M extends Gauge<string> | Counter<string>>(
  registry: Registry,
  kind: MetricClass<M>,
  name: string,
  help: string,
  labelNames: readonly string[],
): M => {
  const existing = registry.getSingleMetric(name) as (M & { labelNames?: readonly string[] }) | undefined;
  if (!existing) return new kind({ name, help, labelNames, registers: [registry] });
  const have = [...(existing.labelNames ?? [])].sort().join(',');
  const want = [...labelNames].sort().join(',');
  if (!(existing instanceof kind) || have !== want) {
    throw new Error(
      `metric ${name} is already registered with labels [${have}]; this collector needs a ${kind.name.toLowerCase()} ` +
        `with labels [${want}]: remove the service's own definition before adopting it`,
    );
  }
  return existing;
};
