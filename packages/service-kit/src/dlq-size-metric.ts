import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import { Counter, Gauge, type Registry } from 'prom-client';
import { type MetricsPoller, sharedMetric, startPoller } from './metrics-poller.ts';

/**
 * `eq_dlq_messages{stream}`: records held by the DLQ stream (pass `ns.stream('dlq')`), read every `intervalMs`.
 * One dead letter is one or two records (JetStream's advisory and the consumer runner's rejection record):
 * the gauge says "something is there and how much", `listDeadLetters` says what. Redrive and purge delete
 * records, so it goes back to 0 once the DLQ has been dealt with.
 *
 * Every service may export it (they all see the same stream): aggregate with `max by (stream)`. When NATS does
 * not answer the last value stays and `eq_dlq_info_failures_total` grows; a missing stream removes the series.
 */
export const registerDlqSizeMetric = (
  registry: Registry,
  jsm: JetStreamManager,
  stream: string,
  intervalMs = 15_000,
): MetricsPoller => {
  const size = sharedMetric<Gauge<'stream'>>(
    registry,
    Gauge,
    'eq_dlq_messages',
    'Records in the dead-letter stream (advisories and rejection records)',
    ['stream'],
  );
  const failures = sharedMetric<Counter<'stream'>>(
    registry,
    Counter,
    'eq_dlq_info_failures_total',
    'DLQ stream info requests that failed (NATS unreachable or stream missing)',
    ['stream'],
  );
  return startPoller(async () => {
    try {
      const info = await jsm.streams.info(stream);
      size.set({ stream }, info.state.messages);
    } catch (error) {
      failures.inc({ stream });
      if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) {
        size.remove({ stream });
      }
    }
  }, intervalMs);
};
