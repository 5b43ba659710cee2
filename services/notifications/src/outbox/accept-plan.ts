import type { NotificationsDb } from '../database.ts';
import type { PlannedNotification, TriggerRef } from '../domain/planned-notification.ts';
import type { Reminder } from '../domain/reminder.ts';
import { scheduleReminders } from '../reminders/schedule-reminders.ts';
import { toOutboxRow } from './outbox-rows.ts';

export interface AcceptedPlan {
  /** False when this trigger was planned before (redelivery, replay): its plan is kept as it was. */
  firstTime: boolean;
  planned: number;
  /** Reminders stored SCHEDULED (those born CANCELLED under an earlier cancellation are not counted). */
  reminders: number;
}

/**
 * Stores a trigger's plan once, atomically with the trigger's mark: its messages and the reminders it schedules.
 * The plan is frozen at the first delivery: a replay weeks later, after the staff directory changed, adds nobody,
 * re-sends nothing and schedules nothing again.
 */
export const acceptPlan = (
  db: NotificationsDb,
  trigger: TriggerRef & { bookingId: string | null },
  planned: readonly PlannedNotification[],
  now: Date,
  reminders: readonly Reminder[] = [],
): Promise<AcceptedPlan> =>
  db.transaction().execute(async (trx) => {
    const mark = await trx
      .insertInto('planned_triggers')
      .values({
        event_id: trigger.eventId,
        event_type: trigger.type,
        booking_id: trigger.bookingId,
        planned_count: planned.length,
        planned_at: now,
      })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (!mark) return { firstTime: false, planned: 0, reminders: 0 };
    if (planned.length > 0) {
      await trx
        .insertInto('notification_outbox')
        .values(planned.map((p) => toOutboxRow(p, now)))
        .onConflict((oc) => oc.column('notification_id').doNothing())
        .execute();
    }
    const { scheduled } = await scheduleReminders(trx, reminders, now);
    return { firstTime: true, planned: planned.length, reminders: scheduled };
  });
