import type { Kysely } from 'kysely';
import {
  type CheckpointedReader,
  type ReaderSettings,
  startCheckpointedReader,
} from './checkpointed-reader.ts';
import type { EventStore } from './store.ts';
import type { StoredEvent } from './stored-event.ts';

export type RelayOptions = Omit<ReaderSettings, 'db' | 'schema' | 'name'> &
  // biome-ignore lint/suspicious/noExplicitAny: any service's typed Kysely
  ({ store: EventStore } | { db: Kysely<any>; schema: string }) & {
    /** Checkpoint and leadership name. Default `relay`. */
    name?: string;
    /**
     * Publishes one event and resolves once the broker stored it. Must use msgID = event.id: after a crash the
     * relay republishes from its last checkpoint and the duplicate window absorbs what was already stored.
     */
    publish: (event: StoredEvent) => Promise<unknown>;
  };

export type Relay = CheckpointedReader;

/**
 * The outbox relay: publishes committed events in the store's global order (see readAll), one at a time: a
 * later event is never sent before an earlier one is acknowledged, so the JetStream stream keeps that order
 * even while an old leader that lost its session finishes a batch. A failed publish is retried, after a growing pause, with the same
 * event; nothing is skipped. The checkpoint is saved after each batch and before each pause.
 */
export const startRelay = (options: RelayOptions): Promise<Relay> => {
  const { db, schema } = 'store' in options ? options.store : options;
  const { publish } = options;
  return startCheckpointedReader(
    { ...options, db, schema, name: options.name ?? 'relay' },
    async (events, { stopping }) => {
      for (let i = 0; i < events.length; i++) {
        if (stopping()) return { processed: i };
        try {
          await publish(events[i]!);
        } catch (error) {
          return { processed: i, failure: { error } };
        }
      }
      return { processed: events.length };
    },
  );
};
