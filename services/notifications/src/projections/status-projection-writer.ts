import type { StatusEvent } from '@express-quote/read-models';
import type { NotificationsDb } from '../database.ts';
import { applyStatusEvents } from './notification-status-projection.ts';

export interface StatusProjectionWriter {
  /** Resolves once the event is folded into its row (committed); rejects if that transaction failed. */
  apply(event: StatusEvent): Promise<{ changed: boolean }>;
}

interface Waiting {
  event: StatusEvent;
  resolve(result: { changed: boolean }): void;
  reject(error: unknown): void;
}

/** A Postgres transaction has a floor of round trips; a batch this size stays one short statement per step. */
const MAX_BATCH = 100;

/**
 * Group commit for the status projection: a booking produces ~28 commands and status events, and a transaction per
 * event was most of this service's and Postgres' CPU. The first event is written at once (no added latency); the
 * events the two status consumers hand over while that transaction runs are written together by the next one.
 * A failed transaction fails each of its events' handlers, whose messages are retried; the fold is idempotent.
 */
export const createStatusProjectionWriter = (db: NotificationsDb): StatusProjectionWriter => {
  const queue: Waiting[] = [];
  let writing = false;

  const drain = async () => {
    writing = true;
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      try {
        const changed = await applyStatusEvents(
          db,
          batch.map((w) => w.event),
        );
        for (const [i, w] of batch.entries()) w.resolve({ changed: changed[i]! });
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    writing = false;
  };

  return {
    apply: (event) =>
      new Promise((resolve, reject) => {
        queue.push({ event, resolve, reject });
        if (!writing) void drain();
      }),
  };
};
