import type { Envelope } from '@express-quote/contracts';
import type { Selectable } from 'kysely';
import type { EventsTable } from './schema.ts';

/** An envelope as the store returns it: placed in its stream and in the global order. */
export type StoredEvent<T extends string = string, D = unknown> = Envelope<T, D> & {
  streamId: string;
  streamVersion: number;
  /** Position in insertion order; alone it is NOT a safe cursor (see Checkpoint). */
  globalPosition: bigint;
  /** xid8 of the transaction that wrote the event. */
  transactionId: bigint;
};

/**
 * Where a reader stands in the global order: the (transaction_id, global_position) pair of the last event it
 * handled. A cursor on global_position alone skips events whose transaction committed after a later one.
 */
export interface Checkpoint {
  transactionId: bigint;
  globalPosition: bigint;
}

export const checkpointOf = (event: Pick<StoredEvent, 'transactionId' | 'globalPosition'>): Checkpoint => ({
  transactionId: event.transactionId,
  globalPosition: event.globalPosition,
});

/** Orders two positions as readAll does: by transaction id, then by global position. */
export const comparePositions = (a: Checkpoint, b: Checkpoint): number => {
  if (a.transactionId !== b.transactionId) return a.transactionId < b.transactionId ? -1 : 1;
  if (a.globalPosition !== b.globalPosition) return a.globalPosition < b.globalPosition ? -1 : 1;
  return 0;
};

/** The plain envelope of a stored event, e.g. to publish it (bigint positions do not survive JSON). */
export const toEnvelope = (event: StoredEvent): Envelope => ({
  id: event.id,
  type: event.type,
  version: event.version,
  occurredAt: event.occurredAt,
  streamId: event.streamId,
  streamVersion: event.streamVersion,
  causationId: event.causationId,
  correlationId: event.correlationId,
  data: event.data,
});

export type EventRow = Selectable<EventsTable>;

export const fromRow = (row: EventRow): StoredEvent => ({
  id: row.event_id,
  type: row.type,
  version: row.version,
  occurredAt: row.metadata.occurredAt,
  streamId: row.stream_id,
  streamVersion: row.stream_version,
  causationId: row.metadata.causationId,
  correlationId: row.metadata.correlationId,
  data: row.data,
  globalPosition: BigInt(row.global_position),
  transactionId: BigInt(row.transaction_id),
});
