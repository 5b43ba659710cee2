import { createEvent, NotificationRequested, notifySubject } from '@express-quote/contracts';
import type { Publisher } from '@express-quote/messaging';
import type { Logger } from 'pino';
import type { NotificationsDb } from '../database.ts';
import { DEFAULT_CHANNEL_PREFERENCE } from '../domain/channel-preference.ts';
import { decideFire, nextState, type ReminderState, reminderCommands } from '../domain/reminder.ts';
import type { ReminderMetrics } from '../metrics.ts';
import { loadPreferences } from '../preferences/channel-preferences.ts';
import { cancellationOf, knownCancellations } from './cancellations.ts';
import { fromReminderRow } from './reminder-rows.ts';

export interface ReminderDeps {
  db: NotificationsDb;
  publisher: Publisher;
  now: () => Date;
  logger: Logger;
  metrics?: ReminderMetrics;
}

export interface FiredReminder {
  reminderId: string;
  bookingId: string;
  type: string;
  state: Exclude<ReminderState, 'SCHEDULED'>;
  reason: string | null;
  /** SENT: how long after its due time it went out (an outage makes it late). */
  lateByMs: number | null;
  notificationIds: string[];
  /** Commands JetStream had already stored (a firing repeated after a crash before the commit). */
  duplicates: number;
}

const BATCH = 100;

/**
 * Fires every reminder that is due: sends it, or records why not (cancelled, no longer useful). Rows are claimed
 * with FOR UPDATE SKIP LOCKED and settled in the same transaction as the publish, so several instances (or several
 * passes) never fire one twice; if a publish or the commit fails, the rows stay SCHEDULED and the next pass
 * republishes the same msgIDs (derived from the reminder id), which JetStream's duplicate window absorbs.
 */
export const fireDueReminders = async (
  deps: ReminderDeps,
  filter: { bookingId?: string } = {},
): Promise<FiredReminder[]> => {
  const fired: FiredReminder[] = [];
  for (;;) {
    const batch = await deps.db.transaction().execute(async (trx) => {
      const now = deps.now();
      let query = trx
        .selectFrom('reminders')
        .selectAll()
        .where('state', '=', 'SCHEDULED')
        .where('due_at', '<=', now);
      if (filter.bookingId) query = query.where('booking_id', '=', filter.bookingId);
      const rows = await query.orderBy('due_at').limit(BATCH).forUpdate().skipLocked().execute();
      if (rows.length === 0) return [];

      const reminders = rows.map(fromReminderRow);
      const known = await knownCancellations(
        trx,
        [...new Set(reminders.map((r) => r.bookingId))],
        [...new Set(reminders.flatMap((r) => (r.attributionId ? [r.attributionId] : [])))],
      );
      const preferenceOf = await loadPreferences(
        trx,
        reminders.flatMap((r) => (r.followsPreference && r.recipient.phone ? [r.recipient.phone] : [])),
      );
      const decided = reminders.map((reminder) => {
        const decision = decideFire('SCHEDULED', reminder, now, cancellationOf(known, reminder));
        const commands =
          decision.kind === 'send'
            ? reminderCommands(
                reminder,
                reminder.recipient.phone
                  ? preferenceOf(reminder.recipient.phone)
                  : DEFAULT_CHANNEL_PREFERENCE,
              )
            : [];
        return { reminder, decision, commands };
      });

      // Pipelined: one round of acks for the whole batch.
      const acks = await Promise.all(
        decided.flatMap(({ reminder, commands }) =>
          commands.map((data) =>
            deps.publisher.publish(
              createEvent(NotificationRequested, data, {
                cause: { id: reminder.trigger.eventId, correlationId: reminder.trigger.correlationId },
                id: data.notificationId,
                occurredAt: now,
              }),
              { subject: notifySubject(data.channel, data.priority) },
            ),
          ),
        ),
      );

      const settled: FiredReminder[] = [];
      let ackIndex = 0;
      for (const { reminder, decision, commands } of decided) {
        const next = nextState(decision);
        // Due rows always settle: 'wait' and 'settled' cannot come out of this query.
        if (!next) throw new Error(`due reminder ${reminder.reminderId} was not settled (${decision.kind})`);
        const notificationIds = commands.map((c) => c.notificationId);
        const duplicates = acks.slice(ackIndex, ackIndex + commands.length).filter((a) => a.duplicate).length;
        ackIndex += commands.length;
        await trx
          .updateTable('reminders')
          .set({
            state: next.state,
            reason: next.reason,
            settled_at: now,
            notification_ids: JSON.stringify(notificationIds),
          })
          .where('reminder_id', '=', reminder.reminderId)
          .execute();
        settled.push({
          reminderId: reminder.reminderId,
          bookingId: reminder.bookingId,
          type: reminder.type,
          state: next.state,
          reason: next.reason,
          lateByMs: decision.kind === 'send' ? decision.lateByMs : null,
          notificationIds,
          duplicates,
        });
      }
      return settled;
    });

    for (const r of batch) {
      deps.metrics?.fired.labels(r.type, r.state).inc();
      deps.logger.info(
        {
          reminderId: r.reminderId,
          bookingId: r.bookingId,
          type: r.type,
          state: r.state,
          reason: r.reason,
          lateByMs: r.lateByMs,
          notifications: r.notificationIds.length,
          duplicates: r.duplicates,
        },
        r.state === 'SENT' ? 'reminder sent' : 'reminder settled without sending',
      );
    }
    fired.push(...batch);
    if (batch.length < BATCH) return fired;
  }
};
