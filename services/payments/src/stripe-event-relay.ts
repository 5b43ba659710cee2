import type { Envelope } from '@express-quote/contracts';
import type { Logger } from '@express-quote/service-kit';
import { type Kysely, sql } from 'kysely';
import type { PaymentsDatabase } from './database.ts';
import type { PaymentsMetrics } from './metrics.ts';
import type { StripeEventLog } from './stripe-event-log.ts';

export interface StripeEventRelayOptions {
  db: Kysely<PaymentsDatabase>;
  log: StripeEventLog;
  /** Publishes with msgID = envelope id: a row published twice (crash before marking it) is deduplicated. */
  publish: (envelope: Envelope) => Promise<unknown>;
  logger: Logger;
  metrics: PaymentsMetrics;
  intervalMs: number;
  /**
   * Rows younger than this are left to the webhook request that is publishing them right now, so the relay
   * does not race it (the race would be harmless, only wasteful).
   */
  graceMs: number;
  batchSize?: number;
  maxBackoffMs?: number;
  /** False while NATS is known to be unreachable: the relay then waits instead of timing out on every row. */
  canPublish?: () => boolean;
  /** Resolves when the table exists (the schema migration); the relay starts polling after it. */
  ready?: Promise<void>;
}

export interface StripeEventRelay {
  /** One round: publishes what is due, oldest first; returns how many were published. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

// One relay at a time across instances, so rows go out in received order.
const RELAY_LOCK = 'payments-stripe-event-relay';

/**
 * Publishes the recorded Stripe events whose envelope never reached JetStream (NATS was down when the webhook
 * came, or the process died between commit and publish). Stripe must not be the retry mechanism of our own outage.
 */
export const startStripeEventRelay = (options: StripeEventRelayOptions): StripeEventRelay => {
  const { db, log, publish, logger, metrics } = options;
  const batchSize = options.batchSize ?? 100;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const stopping = new AbortController();

  const runOnce = async (): Promise<number> => {
    let failure: unknown;
    const published = await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ locked: boolean }>`
        select pg_try_advisory_xact_lock(hashtextextended(${RELAY_LOCK}, 0)) as locked`.execute(trx);
      if (!rows[0]?.locked) return 0;
      // The marks may be lost in a Postgres crash without harm (republished under the same msgID).
      await sql`set local synchronous_commit = off`.execute(trx);
      const due = await log.unpublished(batchSize, options.graceMs, trx);
      let count = 0;
      for (const row of due) {
        try {
          await publish(row.envelope);
        } catch (error) {
          // Stop at the first failure: later rows must not overtake it. What was published stays marked.
          failure = error;
          break;
        }
        await log.markPublished(row.id, trx);
        count++;
      }
      return count;
    });
    if (published > 0) metrics.relayPublished(published);
    if (failure) throw failure;
    return published;
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopping.signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        stopping.signal.removeEventListener('abort', done);
        resolve();
      }
      stopping.signal.addEventListener('abort', done, { once: true });
    });

  const loop = async () => {
    // Stopping before the schema is ever ready must not hang on it.
    await Promise.race([
      options.ready,
      new Promise((resolve) => stopping.signal.addEventListener('abort', resolve, { once: true })),
    ]);
    let failures = 0;
    while (!stopping.signal.aborted) {
      let delay = options.intervalMs;
      if (options.canPublish && !options.canPublish()) {
        await sleep(delay);
        continue;
      }
      try {
        const published = await runOnce();
        if (published > 0) logger.info({ published }, 'relay published recorded Stripe events');
        if (failures > 0) logger.info({ failedRounds: failures }, 'relay recovered');
        failures = 0;
        if (published === batchSize) delay = 0;
      } catch (error) {
        failures++;
        metrics.relayFailure();
        delay = Math.min(options.intervalMs * 2 ** Math.min(failures, 10), maxBackoffMs);
        // An outage fails every round: say it once, then quietly keep trying.
        const level = failures === 1 ? 'warn' : 'debug';
        logger[level]({ err: (error as Error).message, failures, retryInMs: delay }, 'relay round failed');
      }
      await sleep(delay);
    }
  };

  const running = loop();
  return {
    runOnce,
    async stop() {
      stopping.abort();
      await running;
    },
  };
};
