import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import { Counter, Gauge, type Registry } from 'prom-client';
import { type MetricsPoller, sharedMetric, startPoller } from './metrics-poller.ts';

/** A durable consumer whose backlog is exported, e.g. `{ stream: ns.stream('notify'), durable: 'sms-delivery-high' }`. */
export interface ConsumerRef {
  readonly stream: string;
  readonly durable: string;
}

const LABELS = ['stream', 'consumer'] as const;

const isNotFound = (error: unknown): boolean =>
  error instanceof JetStreamApiError &&
  (error.code === JetStreamApiCodes.ConsumerNotFound || error.code === JetStreamApiCodes.StreamNotFound);

/**
 * The seed's queue gauges, read from JetStream's consumer info every `intervalMs` rather than at scrape time (one
 * NATS request per consumer and scrape would add up across replicas and Prometheus servers):
 * - `eq_consumer_pending` (BullMQ "waiting"): messages matching the filter not yet delivered;
 * - `eq_consumer_ack_pending` ("active"): delivered and not yet acknowledged;
 * - `eq_consumer_redelivered`: of those, delivered more than once (a handler failing or overrunning ack_wait).
 * "completed" / "failed" are the consumer runner's `eq_consumer_messages_total{outcome}` counters.
 *
 * Every replica of a service reports the same server-side numbers: aggregate with `max by (stream, consumer)`,
 * not `sum`. When NATS does not answer, the last values stay (readiness reports the outage) and
 * `eq_consumer_info_failures_total` grows; a consumer or stream that no longer exists loses its series.
 */
export const registerConsumerLagMetrics = (
  registry: Registry,
  jsm: JetStreamManager,
  consumers: readonly ConsumerRef[],
  intervalMs = 15_000,
): MetricsPoller => {
  const pending = sharedMetric<Gauge<(typeof LABELS)[number]>>(
    registry,
    Gauge,
    'eq_consumer_pending',
    'Messages matching the consumer filter not yet delivered (queue waiting)',
    LABELS,
  );
  const ackPending = sharedMetric<Gauge<(typeof LABELS)[number]>>(
    registry,
    Gauge,
    'eq_consumer_ack_pending',
    'Messages delivered and not yet acknowledged (queue active)',
    LABELS,
  );
  const redelivered = sharedMetric<Gauge<(typeof LABELS)[number]>>(
    registry,
    Gauge,
    'eq_consumer_redelivered',
    'Unacknowledged messages delivered more than once',
    LABELS,
  );
  const failures = sharedMetric<Counter<(typeof LABELS)[number]>>(
    registry,
    Counter,
    'eq_consumer_info_failures_total',
    'Consumer info requests that failed (NATS unreachable, consumer or stream missing)',
    LABELS,
  );

  const readOne = async ({ stream, durable }: ConsumerRef): Promise<void> => {
    const labels = { stream, consumer: durable };
    try {
      const info = await jsm.consumers.info(stream, durable);
      pending.set(labels, info.num_pending);
      ackPending.set(labels, info.num_ack_pending);
      redelivered.set(labels, info.num_redelivered);
    } catch (error) {
      failures.inc(labels);
      if (isNotFound(error)) {
        // A value left behind for a deleted consumer would keep a lag alert firing for nothing.
        for (const gauge of [pending, ackPending, redelivered]) gauge.remove(labels);
      }
    }
  };

  return startPoller(async () => {
    await Promise.all(consumers.map(readOne));
  }, intervalMs);
};
