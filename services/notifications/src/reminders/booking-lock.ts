import { sql } from 'kysely';
import type { NotificationsDb } from '../database.ts';

/**
 * Serialises, per booking, scheduling reminders and recording a cancellation (transaction-scoped advisory lock).
 * booking.confirmed and booking.cancelled arrive through two consumers in any order; under this lock whichever
 * commits second sees the other: a cancellation recorded first makes the reminders born CANCELLED, one recorded
 * second cancels them.
 */
export const lockBookingReminders = async (trx: NotificationsDb, bookingId: string): Promise<void> => {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`notifications.reminders:${bookingId}`}, 0))`.execute(
    trx,
  );
};
