import { Counter, Histogram, type Registry } from 'prom-client';
import { ConcurrencyError, StaleTransactionError } from './errors.ts';

const APPEND_SECONDS = 'eq_eventstore_append_seconds';
const APPEND_CONFLICTS = 'eq_eventstore_append_conflicts_total';

/** Records one append: its duration when it succeeded, a conflict when a concurrent append won. */
export interface AppendMetrics {
  timed<T>(append: () => Promise<T>): Promise<T>;
}

/**
 * `eq_eventstore_append_seconds{schema}` (successful appends, from the call, envelope validation included, to the
 * commit; inside a caller's transaction, to the rows inserted: the caller's commit is not included) and `eq_eventstore_append_conflicts_total{schema}` (expected
 * version not held, or a stale caller transaction: both mean a concurrent append won and the command is retried).
 * Refused appends (invalid envelopes, duplicates) are neither: they say nothing about the database.
 * Several stores on one registry share the two metrics (one series per schema).
 */
export const createAppendMetrics = (registry: Registry, schema: string): AppendMetrics => {
  const seconds =
    (registry.getSingleMetric(APPEND_SECONDS) as Histogram<'schema'> | undefined) ??
    new Histogram({
      name: APPEND_SECONDS,
      help: 'Event store append duration (successful appends)',
      labelNames: ['schema'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
  const conflicts =
    (registry.getSingleMetric(APPEND_CONFLICTS) as Counter<'schema'> | undefined) ??
    new Counter({
      name: APPEND_CONFLICTS,
      help: 'Appends refused because a concurrent append to the stream won (expected version, stale transaction)',
      labelNames: ['schema'],
      registers: [registry],
    });
  // Both series exist from the start: a conflict rate of 0 is a value, not a missing series.
  conflicts.inc({ schema }, 0);
  return {
    async timed(append) {
      const end = seconds.startTimer({ schema });
      try {
        const result = await append();
        end();
        return result;
      } catch (error) {
        if (error instanceof ConcurrencyError || error instanceof StaleTransactionError)
          conflicts.inc({ schema });
        throw error;
      }
    },
  };
};
