import type { Context, Envelope, EventDefinition } from '@express-quote/contracts';
import type { Kysely } from 'kysely';

export interface TableRef {
  schema: string;
  table: string;
}

export type ProjectionSource =
  /** Rebuilt from JetStream history (each context's stream, one after the other). */
  | { kind: 'streams'; contexts: readonly Context[] }
  /** Rebuilt from an event store (whole history, gap-safe global order); `stream` carries the same events. */
  | { kind: 'store'; schema: string; stream: Context };

/** A read model the CLI can replay or rebuild. Its `apply` must be idempotent: replays overlap the live writer. */
export interface ProjectionDefinition {
  name: string;
  description: string;
  /** The service's live table. */
  live: TableRef;
  /** Primary key column (a rebuild carries over rows whose history aged out of the streams). */
  key: string;
  sources: ProjectionSource;
  /** Event types the projection reads; others on the same streams are skipped. */
  events: readonly EventDefinition[];
  // biome-ignore lint/suspicious/noExplicitAny: a transaction over the service's schema
  apply(trx: Kysely<any>, target: TableRef, events: readonly Envelope[]): Promise<number>;
  sideEffectFree: true;
}
