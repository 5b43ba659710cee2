/** What the caller expected of a stream's version when appending. */
export type ExpectedVersion = number | 'no_stream' | 'any';

/**
 * The stream moved on since the caller read it (or exists when it should not). Worth a retry after reloading:
 * `handleCommand` does exactly that.
 */
export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';
  readonly streamId: string;
  readonly expected: ExpectedVersion;
  /** The stream's version when the conflict was detected; 0 when the stream does not exist. */
  readonly actual: number;
  constructor(streamId: string, expected: ExpectedVersion, actual: number) {
    super(`stream ${streamId}: expected version ${String(expected)}, actual ${actual}`);
    this.streamId = streamId;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * An event with this id is already stored: the effect it records already happened (a redelivered command
 * whose event ids derive from its cause). Callers treat it as "done", not as a failure. When the append ran
 * inside the caller's transaction, that transaction is aborted and must be rolled back.
 */
export class DuplicateEventError extends Error {
  override readonly name = 'DuplicateEventError';
  readonly streamId: string;
  /** The ids Postgres reported as already stored (all ids of the append when it did not say which). */
  readonly eventIds: readonly string[];
  constructor(streamId: string, eventIds: readonly string[]) {
    super(`stream ${streamId}: event ${eventIds.join(', ')} already stored`);
    this.streamId = streamId;
    this.eventIds = eventIds;
  }
}

/**
 * The caller's transaction wrote before appending and an append to the same stream committed in between:
 * its events would sort before earlier ones of the stream in the global order. Nothing was written by the
 * append; roll back and retry the whole transaction (a retry inside it cannot help). Appending before any
 * other write in the transaction avoids it.
 */
export class StaleTransactionError extends Error {
  override readonly name = 'StaleTransactionError';
  readonly streamId: string;
  constructor(streamId: string) {
    super(
      `stream ${streamId}: another append committed after this transaction's first write; retry the whole transaction`,
    );
    this.streamId = streamId;
  }
}
