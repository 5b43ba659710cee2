import { BookingConfirmed, type DataOf, type EventOf } from '@express-quote/contracts';
import type { NotificationsDb } from '../database.ts';

/**
 * Keeps each confirmed booking as booking.confirmed carried it (event-carried state: nobody queries booking's
 * database). The attribution follow-ups need what the restricted view hides: the customer, the streets.
 * The first confirmation wins; a redelivery writes nothing.
 */
export const storeBookingSnapshot = async (
  db: NotificationsDb,
  event: EventOf<typeof BookingConfirmed>,
  now: Date,
): Promise<void> => {
  await db
    .insertInto('booking_snapshots')
    .values({
      booking_id: event.data.bookingId,
      event_id: event.id,
      correlation_id: event.correlationId,
      data: JSON.stringify(event.data),
      stored_at: now,
    })
    .onConflict((oc) => oc.column('booking_id').doNothing())
    .execute();
};

export const findBookingSnapshot = async (
  db: NotificationsDb,
  bookingId: string,
): Promise<DataOf<typeof BookingConfirmed> | undefined> => {
  const row = await db
    .selectFrom('booking_snapshots')
    .select('data')
    .where('booking_id', '=', bookingId)
    .executeTakeFirst();
  // Parsed again: the row went through JSON, and the schema's defaults and checks must hold for the planner.
  return row ? BookingConfirmed.schema.parse(row.data) : undefined;
};

export const isKnownBooking = async (db: NotificationsDb, bookingId: string): Promise<boolean> =>
  Boolean(
    await db
      .selectFrom('booking_snapshots')
      .select('booking_id')
      .where('booking_id', '=', bookingId)
      .executeTakeFirst(),
  );
