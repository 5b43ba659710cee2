import type { Envelope } from '@express-quote/contracts';
import type { Logger } from '@express-quote/service-kit';
import { type ColumnType, type Generated, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

/** The gateway's own Postgres schema (service name, '_' for '-'). */
export const PAYMENTS_SCHEMA = 'payments';

/** One row per Stripe event we handle, written before we answer Stripe: our inbox and our outbox at once. */
export interface StripeEventsTable {
  /** Stripe's event id (`evt_…`): a redelivery hits the primary key. */
  id: string;
  type: string;
  livemode: boolean;
  /** The verified payload, as Stripe sent it. */
  payload: ColumnType<unknown, string, never>;
  received_at: Generated<Date>;
  /** Set once JetStream acknowledged the envelope; null while the relay still has to publish it. */
  published_at: ColumnType<Date | null, never, Date | null>;
  /** The event type we publish (`payment.completed`…) or why nothing is published (`awaiting_async_payment`). */
  outcome: string;
  /** The envelope to publish, decided at receipt so a relay republishes exactly the same message. */
  envelope: ColumnType<Envelope | null, string | null, never>;
}

export interface PaymentsDatabase {
  'payments.stripe_events': StripeEventsTable;
}

export interface DatabaseOptions {
  url: string;
  poolMax: number;
  logger: Logger;
  /** Fail fast when Postgres does not answer, so Stripe gets its 503 quickly and retries later. */
  connectTimeoutMs?: number;
  /**
   * false: commits return before the WAL is flushed to disk. Only for writes whose loss in a Postgres crash is
   * harmless (marking a row published: the relay then republishes it with the same msgID, which JetStream drops).
   * A flush costs ~2 ms (tens of ms at p99) on a busy disk: half of a webhook's time.
   */
  synchronousCommit?: boolean;
}

export const createDatabase = (options: DatabaseOptions): Kysely<PaymentsDatabase> => {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2_000,
    // A webhook must never hang on a stuck statement or an abandoned transaction.
    options:
      '-c statement_timeout=5000 -c idle_in_transaction_session_timeout=10000' +
      (options.synchronousCommit === false ? ' -c synchronous_commit=off' : ''),
  });
  // An idle client losing its server (Postgres restart) must not crash the process: the pool replaces it.
  pool.on('error', (error) => options.logger.warn({ err: error.message }, 'idle Postgres connection lost'));
  return new Kysely<PaymentsDatabase>({ dialect: new PostgresDialect({ pool }) });
};
