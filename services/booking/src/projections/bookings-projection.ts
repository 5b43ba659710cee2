import {
  type Checkpoint,
  checkpointOf,
  type EventStore,
  type StoredEvent,
  type Subscription,
  saveCheckpoint,
  startSubscription,
} from '@express-quote/eventstore';
import { applyToView, type BookingView } from '@express-quote/read-models';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import { BOOKING_SCHEMA, bookingTables } from '../database.ts';
import type { BookingEvent } from '../domain/booking.ts';

/** Checkpoint name of the read model in the event store. */
export const BOOKINGS_VIEW = 'bookings-view';

const BOOKING_STREAM_PREFIX = 'booking-';

interface Row {
  view: BookingView;
  version: number;
  changed: boolean;
}

/** Applies a batch of events (in global order) to bookings_view, skipping what a row already has. */
// biome-ignore lint/suspicious/noExplicitAny: the subscription's transaction
export const projectBookings = async (db: Kysely<any>, events: readonly StoredEvent[]): Promise<number> => {
  const relevant = events.filter(
    (e) => e.streamId.startsWith(BOOKING_STREAM_PREFIX) && e.type.startsWith('booking.'),
  );
  if (relevant.length === 0) return 0;
  const t = bookingTables(db);
  const ids = [...new Set(relevant.map((e) => e.streamId.slice(BOOKING_STREAM_PREFIX.length)))];
  const existing = await t
    .selectFrom('bookings_view')
    .select(['booking_id', 'last_version', 'view'])
    .where('booking_id', 'in', ids)
    .execute();
  const rows = new Map<string, Row>(
    existing.map((r) => [
      r.booking_id,
      { view: r.view as BookingView, version: r.last_version, changed: false },
    ]),
  );
  for (const event of relevant) {
    const id = event.streamId.slice(BOOKING_STREAM_PREFIX.length);
    const row = rows.get(id);
    // Redelivered batch after a crash, or a rebuild racing the live subscription: never apply twice.
    if (row && event.streamVersion <= row.version) continue;
    const view = applyToView(row?.view ?? null, event as unknown as BookingEvent);
    if (!view) continue;
    rows.set(id, { view, version: event.streamVersion, changed: true });
  }
  const changed = [...rows.values()].filter((r) => r.changed);
  for (const row of changed) {
    const values = {
      booking_id: row.view.bookingId,
      reference: row.view.reference,
      status: row.view.status,
      last_version: row.version,
      view: JSON.stringify(row.view),
    };
    await t
      .insertInto('bookings_view')
      .values(values)
      .onConflict((oc) =>
        oc.column('booking_id').doUpdateSet({
          status: values.status,
          last_version: values.last_version,
          view: values.view,
          updated_at: new Date(),
        }),
      )
      .execute();
  }
  return changed.length;
};

/** The live projection: a checkpointed subscription whose rows and checkpoint commit together. */
export const startBookingsProjection = (options: {
  // biome-ignore lint/suspicious/noExplicitAny: the service's pool
  db: Kysely<any>;
  connection: string | pg.ClientConfig;
  logger: Logger;
}): Promise<Subscription> =>
  startSubscription({
    db: options.db,
    connection: options.connection,
    schema: BOOKING_SCHEMA,
    name: BOOKINGS_VIEW,
    logger: options.logger,
    handler: async (events, { db }) => {
      await projectBookings(db, events);
    },
  });

/**
 * Rebuilds the read model from the whole event store in one transaction (run it with the service stopped, e.g.
 * after changing the view's shape): empties the table, replays every event, and moves the checkpoint to the end.
 */
export const rebuildBookingsView = async (
  // biome-ignore lint/suspicious/noExplicitAny: the service's pool
  db: Kysely<any>,
  store: EventStore,
  batchSize = 1_000,
): Promise<number> =>
  db.transaction().execute(async (trx) => {
    await bookingTables(trx).deleteFrom('bookings_view').execute();
    let after: Checkpoint | null = null;
    let count = 0;
    for (;;) {
      const batch = await store.readAll(after, batchSize);
      if (batch.length === 0) break;
      await projectBookings(trx, batch);
      count += batch.length;
      after = checkpointOf(batch.at(-1)!);
    }
    if (after) await saveCheckpoint(trx, BOOKING_SCHEMA, BOOKINGS_VIEW, after);
    return count;
  });
