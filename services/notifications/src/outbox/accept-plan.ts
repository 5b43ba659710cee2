import type { NotificationsDb } from '../database.ts';
import type { PlannedNotification, TriggerRef } from '../domain/planned-notification.ts';
import { toOutboxRow } from './outbox-rows.ts';

export interface AcceptedPlan {
  /** False when this trigger was planned before (redelivery, replay): its plan is kept as it was. */
  firstTime: boolean;
  planned: number;
}

/**
 * Stores a trigger's plan once, atomically with the trigger's mark. The plan is frozen at the first delivery: a
 * replay weeks later, after the staff directory changed, adds nobody and re-sends nothing.
 */
export const acceptPlan = (
  db: NotificationsDb,
  trigger: TriggerRef & { bookingId: string | null },
  planned: readonly PlannedNotification[],
  now: Date,
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
    if (!mark) return { firstTime: false, planned: 0 };
    if (planned.length > 0) {
      await trx
        .insertInto('notification_outbox')
        .values(planned.map((p) => toOutboxRow(p, now)))
        .onConflict((oc) => oc.column('notification_id').doNothing())
        .execute();
    }
    return { firstTime: true, planned: planned.length };
  });
