import { Counter, register as globalRegistry, Histogram, type Registry } from 'prom-client';

export const CONSUMER_OUTCOMES = ['acked', 'retried', 'terminated', 'invalid'] as const;
export type ConsumerOutcome = (typeof CONSUMER_OUTCOMES)[number];

export interface ConsumerMetrics {
  messages: Counter<'consumer' | 'outcome'>;
  redeliveries: Counter<'consumer'>;
  handlerSeconds: Histogram<'consumer'>;
}

// Several consumers of one process share a registry: register each metric once per registry.
const byRegistry = new WeakMap<Registry, ConsumerMetrics>();

const existing = <T>(registry: Registry, name: string): T | undefined =>
  registry.getSingleMetric(name) as T | undefined;

export const consumerMetrics = (registry: Registry = globalRegistry): ConsumerMetrics => {
  const cached = byRegistry.get(registry);
  if (cached) return cached;
  const metrics: ConsumerMetrics = {
    messages:
      existing(registry, 'eq_consumer_messages_total') ??
      new Counter({
        name: 'eq_consumer_messages_total',
        help: 'Messages handled by a durable consumer, by outcome (acked, retried, terminated, invalid)',
        labelNames: ['consumer', 'outcome'],
        registers: [registry],
      }),
    redeliveries:
      existing(registry, 'eq_consumer_redeliveries_total') ??
      new Counter({
        name: 'eq_consumer_redeliveries_total',
        help: 'Messages received with a delivery count above 1',
        labelNames: ['consumer'],
        registers: [registry],
      }),
    handlerSeconds:
      existing(registry, 'eq_consumer_handler_seconds') ??
      new Histogram({
        name: 'eq_consumer_handler_seconds',
        help: 'Duration of message handlers',
        labelNames: ['consumer'],
        buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers: [registry],
      }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
};
