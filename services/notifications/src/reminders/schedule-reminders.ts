import type { NotificationsDb } from '../database.ts';
import type { Reminder } from '../domain/reminder.ts';
import { lockBookingReminders } from './booking-lock.ts';
import { cancellationOf, knownCancellations } from './cancellations.ts';
import { toReminderRow } from './reminder-rows.ts';

/**
 * Stores reminders, inside the caller's transaction (the one that freezes the trigger's plan). Under the booking's
 * lock, a cancellation already recorded makes them born CANCELLED with its reason (kept for the API), so a
 * confirmation that arrives after its own cancellation never reminds anyone. Ids are deterministic: storing the
 * same reminder twice keeps the first.
 */
export const scheduleReminders = async (
  trx: NotificationsDb,
  reminders: readonly Reminder[],
  now: Date,
): Promise<{ scheduled: number; bornCancelled: number }> => {
  if (reminders.length === 0) return { scheduled: 0, bornCancelled: 0 };
  const bookingIds = [...new Set(reminders.map((r) => r.bookingId))].sort();
  // Sorted: two transactions locking several bookings always take the locks in the same order.
  for (const bookingId of bookingIds) await lockBookingReminders(trx, bookingId);
  const attributionIds = [...new Set(reminders.flatMap((r) => (r.attributionId ? [r.attributionId] : [])))];
  const known = await knownCancellations(trx, bookingIds, attributionIds);
  let bornCancelled = 0;
  const rows = reminders.map((r) => {
    const cancellation = cancellationOf(known, r);
    if (cancellation) bornCancelled++;
    return toReminderRow(r, cancellation ? 'CANCELLED' : 'SCHEDULED', cancellation, now);
  });
  await trx
    .insertInto('reminders')
    .values(rows)
    .onConflict((oc) => oc.column('reminder_id').doNothing())
    .execute();
  return { scheduled: rows.length - bornCancelled, bornCancelled };
};
