import type { NotificationsDb } from '../database.ts';
import type { ReminderMessage } from '../domain/reminder.ts';
import { fromReminderRow } from './reminder-rows.ts';

/** What support sees of one reminder. */
export interface ReminderView {
  reminderId: string;
  bookingId: string;
  attributionId: string | null;
  type: string;
  state: string;
  /** SKIPPED: SERVICE_STARTED | SUPERSEDED; CANCELLED: BOOKING_CANCELLED:<reason> | ATTRIBUTION_CANCELLED:<reason>. */
  reason: string | null;
  dueAt: string;
  usefulUntil: string;
  serviceStartsAt: string;
  priority: string;
  recipient: unknown;
  /** Templates and media (email, or text: SMS / WhatsApp by preference when it fires). */
  messages: Array<Pick<ReminderMessage, 'medium' | 'template' | 'whatsappTemplate'>>;
  followsPreference: boolean;
  trigger: { eventId: string; type: string };
  correlationId: string;
  /** The notifications it published (follow them in /api/notifications/:id). */
  notificationIds: string[];
  createdAt: string;
  settledAt: string | null;
}

export const listBookingReminders = async (
  db: NotificationsDb,
  bookingId: string,
): Promise<ReminderView[]> => {
  const rows = await db
    .selectFrom('reminders')
    .selectAll()
    .where('booking_id', '=', bookingId)
    .orderBy('due_at')
    .orderBy('reminder_id')
    .execute();
  return rows.map((row) => {
    const reminder = fromReminderRow(row);
    return {
      reminderId: reminder.reminderId,
      bookingId: reminder.bookingId,
      attributionId: reminder.attributionId,
      type: reminder.type,
      state: row.state,
      reason: row.reason,
      dueAt: reminder.dueAt,
      usefulUntil: reminder.usefulUntil,
      serviceStartsAt: reminder.serviceStartsAt,
      priority: reminder.priority,
      recipient: reminder.recipient,
      messages: reminder.messages.map((m) => ({
        medium: m.medium,
        template: m.template,
        ...(m.whatsappTemplate ? { whatsappTemplate: m.whatsappTemplate } : {}),
      })),
      followsPreference: reminder.followsPreference,
      trigger: { eventId: reminder.trigger.eventId, type: reminder.trigger.type },
      correlationId: reminder.trigger.correlationId,
      notificationIds: row.notification_ids ?? [],
      createdAt: row.created_at.toISOString(),
      settledAt: row.settled_at?.toISOString() ?? null,
    };
  });
};
