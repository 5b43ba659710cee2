import type { Kysely } from 'kysely';
import {
  type CheckpointedReader,
  type ReaderSettings,
  startCheckpointedReader,
} from './checkpointed-reader.ts';
import { saveCheckpoint } from './checkpoints.ts';
import { checkpointOf, type StoredEvent } from './stored-event.ts';

export interface SubscriptionHandlerContext {
  /**
   * Where the handler writes its read model: in transactional mode a transaction that commits together with
   * the checkpoint (exactly-once for rows in this database), otherwise the pool.
   */
  // biome-ignore lint/suspicious/noExplicitAny: the handler's own typed tables
  db: Kysely<any>;
}

export interface SubscriptionOptions extends ReaderSettings {
  /** Handles a batch in global order; throwing makes the whole batch be retried after a pause. */
  handler: (events: StoredEvent[], context: SubscriptionHandlerContext) => Promise<void>;
  /** Run the handler and the checkpoint update in one transaction. Default true. */
  transactional?: boolean;
}

export type Subscription = CheckpointedReader;

/** A checkpointed, gap-safe reader of the whole store for projections and read models. */
export const startSubscription = (options: SubscriptionOptions): Promise<Subscription> => {
  const { handler, transactional = true } = options;
  return startCheckpointedReader(options, async (events, { conn, schema, name }) => {
    if (!transactional) {
      await handler(events, { db: options.db });
      return { processed: events.length };
    }
    await conn.transaction().execute(async (trx) => {
      await handler(events, { db: trx });
      await saveCheckpoint(trx, schema, name, checkpointOf(events.at(-1)!));
    });
    return { processed: events.length, checkpointSaved: true };
  });
};
