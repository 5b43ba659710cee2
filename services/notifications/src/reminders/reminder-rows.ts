import type { NotificationRecipient, Priority } from '@express-quote/contracts';
import type { Insertable, Selectable } from 'kysely';
import type { RemindersTable } from '../database.ts';
import type { Reminder, ReminderMessage, ReminderState, ReminderType } from '../domain/reminder.ts';

export type ReminderRow = Selectable<RemindersTable>;

interface ReminderPayload {
  recipient: NotificationRecipient;
  messages: ReminderMessage[];
  followsPreference: boolean;
}

export const toReminderRow = (
  r: Reminder,
  state: ReminderState,
  reason: string | null,
  now: Date,
): Insertable<RemindersTable> => ({
  reminder_id: r.reminderId,
  booking_id: r.bookingId,
  attribution_id: r.attributionId,
  reminder_type: r.type,
  recipient_kind: r.recipient.kind,
  recipient_id: r.recipient.id,
  payload: JSON.stringify({
    recipient: r.recipient,
    messages: r.messages,
    followsPreference: r.followsPreference,
  } satisfies ReminderPayload),
  priority: r.priority,
  due_at: r.dueAt,
  useful_until: r.usefulUntil,
  service_starts_at: r.serviceStartsAt,
  state,
  reason,
  trigger_event_id: r.trigger.eventId,
  trigger_type: r.trigger.type,
  correlation_id: r.trigger.correlationId,
  notification_ids: null,
  created_at: now,
  // Born cancelled (its booking was cancelled first): settled at once.
  settled_at: state === 'SCHEDULED' ? null : now,
});

export const fromReminderRow = (row: ReminderRow): Reminder => {
  const payload = row.payload as unknown as ReminderPayload;
  return {
    reminderId: row.reminder_id,
    bookingId: row.booking_id,
    attributionId: row.attribution_id,
    type: row.reminder_type as ReminderType,
    recipient: payload.recipient,
    messages: payload.messages,
    priority: row.priority as Priority,
    dueAt: row.due_at.toISOString(),
    usefulUntil: row.useful_until.toISOString(),
    serviceStartsAt: row.service_starts_at.toISOString(),
    trigger: { eventId: row.trigger_event_id, type: row.trigger_type, correlationId: row.correlation_id },
    followsPreference: payload.followsPreference,
  };
};
