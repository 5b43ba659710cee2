import type { Envelope } from '@express-quote/contracts';
import {
  applyToView,
  BOOKING_VIEW_EVENTS,
  type BookingView,
  type BookingViewEvent,
} from '@express-quote/read-models';
import { type Kysely, sql } from 'kysely';
import type { ProjectionDefinition, TableRef } from './projection.ts';

// biome-ignore lint/suspicious/noExplicitAny: a transaction over the booking schema
type AnyDb = Kysely<any>;

/*
 * The booking service's read model: the fold is shared (@express-quote/read-models), the batching and SQL mirror
 * services/booking/src/projections/bookings-projection.ts because a tool may not import a service;
 * test/projections.int.spec.ts compares a rebuild with the table the running service wrote, row for row.
 */

const PREFIX = 'booking-';

/** Applies a batch (in the store's global order) to the view, skipping versions a row already has. */
export const applyBookingsView = async (
  trx: AnyDb,
  target: TableRef,
  events: readonly Envelope[],
): Promise<number> => {
  const relevant = events.filter(
    (e) => e.streamId?.startsWith(PREFIX) && e.type.startsWith('booking.') && e.streamVersion,
  );
  if (relevant.length === 0) return 0;
  const ids = [...new Set(relevant.map((e) => e.streamId!.slice(PREFIX.length)))].sort();
  const { rows: existing } = await sql<{ booking_id: string; last_version: number; view: BookingView }>`
    select booking_id, last_version, view from ${sql.id(target.schema, target.table)}
    where booking_id = any(${ids}::uuid[]) for update`.execute(trx);
  const rows = new Map(
    existing.map((r) => [r.booking_id, { view: r.view, version: r.last_version, changed: false }]),
  );
  for (const e of relevant) {
    const id = e.streamId!.slice(PREFIX.length);
    const row = rows.get(id);
    // A replay overlapping what the row already has (or the live projection): never apply twice.
    if (row && e.streamVersion! <= row.version) continue;
    const view = applyToView(row?.view ?? null, e as unknown as BookingViewEvent);
    if (!view) continue;
    rows.set(id, { view, version: e.streamVersion!, changed: true });
  }
  const changed = [...rows.values()]
    .filter((r) => r.changed)
    .map((r) => ({
      booking_id: r.view.bookingId,
      reference: r.view.reference,
      status: r.view.status,
      last_version: r.version,
      view: r.view,
    }));
  if (changed.length === 0) return 0;
  await sql`
    insert into ${sql.id(target.schema, target.table)} (booking_id, reference, status, last_version, view)
    select x.booking_id, x.reference, x.status, x.last_version, x.view
    from jsonb_to_recordset(${JSON.stringify(changed)}::jsonb)
      as x(booking_id uuid, reference text, status text, last_version int, view jsonb)
    on conflict (booking_id) do update set
      status = excluded.status, last_version = excluded.last_version, view = excluded.view, updated_at = now()`.execute(
    trx,
  );
  return changed.length;
};

export const bookingsViewProjection: ProjectionDefinition = {
  name: 'bookings-view',
  description:
    'booking.bookings_view: GET /api/bookings (no e-mail, phone or street), from the booking event store',
  live: { schema: 'booking', table: 'bookings_view' },
  key: 'booking_id',
  sources: { kind: 'store', schema: 'booking', stream: 'bookings' },
  events: BOOKING_VIEW_EVENTS,
  apply: applyBookingsView,
  sideEffectFree: true,
};
