import type { Kysely } from 'kysely';
import { bookingTables } from '../src/database.ts';

/** The read model's rows, comparable across runs (no timestamps of the projection itself). */
// biome-ignore lint/suspicious/noExplicitAny: the test database
export const bookingsViewRows = (db: Kysely<any>) =>
  bookingTables(db)
    .selectFrom('bookings_view')
    .select(['booking_id', 'reference', 'status', 'last_version', 'view'])
    .orderBy('booking_id')
    .execute();
