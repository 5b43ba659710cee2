import {
  type DataOf,
  deterministicId,
  type NotificationRecipient,
  type NotificationRequested,
  type Priority,
} from '@express-quote/contracts';
import { type ChannelPreference, textChannelsFor } from './channel-preference.ts';
import type { TriggerRef } from './planned-notification.ts';
import type { CustomerReminderType } from './reminder-times.ts';

export const REMINDER_TYPES = ['7d', '24h', '1h', 'day-of'] as const satisfies ReadonlyArray<
  CustomerReminderType | 'day-of'
>;
export type ReminderType = (typeof REMINDER_TYPES)[number];

/** SCHEDULED until due, then SENT, or SKIPPED (no longer useful) or CANCELLED (booking/attribution cancelled). */
export const REMINDER_STATES = ['SCHEDULED', 'SENT', 'SKIPPED', 'CANCELLED'] as const;
export type ReminderState = (typeof REMINDER_STATES)[number];

/**
 * One message a reminder sends when it fires. `text` is a phone message: an SMS, or WhatsApp / both when the
 * reminder follows the recipient's channel preference (read when it fires: the latest wish counts).
 */
export interface ReminderMessage {
  medium: 'email' | 'text';
  /** The e-mail template, or the SMS template of a text. */
  template: string;
  /** A text sent on WhatsApp: its template there (same data). */
  whatsappTemplate?: string;
  data: Record<string, unknown>;
}

export interface Reminder {
  /** deterministicId(booking or attribution id, type, recipient): a replayed trigger schedules the same row. */
  reminderId: string;
  bookingId: string;
  attributionId: string | null;
  type: ReminderType;
  recipient: NotificationRecipient;
  messages: ReminderMessage[];
  priority: Priority;
  /** ISO instants. */
  dueAt: string;
  /** After this instant the reminder says something false: the service started, or a closer reminder is due. */
  usefulUntil: string;
  serviceStartsAt: string;
  /** The event that scheduled it: cause of the messages (correlation id flows from it). */
  trigger: TriggerRef;
  followsPreference: boolean;
}

/** Why a due reminder was not sent. */
export type SkipReason = 'SERVICE_STARTED' | 'SUPERSEDED';

/** A cancellation recorded for the reminder's booking or attribution (e.g. `BOOKING_CANCELLED:REFUNDED`). */
export type Cancellation = string | null;

export type FireDecision =
  | { kind: 'wait' }
  | { kind: 'settled' }
  | { kind: 'send'; lateByMs: number }
  | { kind: 'skip'; reason: SkipReason }
  | { kind: 'cancel'; reason: string };

export const reminderIdFor = (
  scopeId: string,
  type: ReminderType,
  recipient: Pick<NotificationRecipient, 'kind' | 'id'>,
): string => deterministicId(scopeId, type, `${recipient.kind}:${recipient.id ?? ''}`);

/**
 * What the scheduler does with a reminder at `now`. A cancellation wins over everything still scheduled; a due
 * reminder is sent, even late after an outage, as long as what it says is still true — until the next, closer
 * reminder is due (a "one week before" read the day before would mislead), and never once the service started.
 */
export const decideFire = (
  state: ReminderState,
  reminder: Pick<Reminder, 'dueAt' | 'usefulUntil' | 'serviceStartsAt'>,
  now: Date,
  cancellation: Cancellation,
): FireDecision => {
  if (state !== 'SCHEDULED') return { kind: 'settled' };
  if (cancellation) return { kind: 'cancel', reason: cancellation };
  const t = now.getTime();
  const due = Date.parse(reminder.dueAt);
  if (t < due) return { kind: 'wait' };
  if (t >= Date.parse(reminder.serviceStartsAt)) return { kind: 'skip', reason: 'SERVICE_STARTED' };
  if (t >= Date.parse(reminder.usefulUntil)) return { kind: 'skip', reason: 'SUPERSEDED' };
  return { kind: 'send', lateByMs: t - due };
};

/** The state a decision leads to (the row's new state), or null when the row stays as it is. */
export const nextState = (
  decision: FireDecision,
): { state: Exclude<ReminderState, 'SCHEDULED'>; reason: string | null } | null => {
  switch (decision.kind) {
    case 'wait':
    case 'settled':
      return null;
    case 'send':
      return { state: 'SENT', reason: null };
    case 'skip':
      return { state: 'SKIPPED', reason: decision.reason };
    case 'cancel':
      return { state: 'CANCELLED', reason: decision.reason };
    default: {
      const unreachable: never = decision;
      throw new Error(`unknown decision ${(unreachable as { kind: string }).kind}`);
    }
  }
};

/**
 * The channel commands of a firing reminder. Ids are derived from (reminder id, channel, template), so a firing
 * repeated after a crash republishes the same msgIDs; a customer's text goes by their preference, anyone else's by
 * SMS.
 */
export const reminderCommands = (
  reminder: Reminder,
  preference: ChannelPreference,
): Array<DataOf<typeof NotificationRequested>> =>
  reminder.messages.flatMap((message) => {
    const channels =
      message.medium === 'email'
        ? (['email'] as const)
        : reminder.followsPreference
          ? textChannelsFor(preference)
          : (['sms'] as const);
    return channels.map((channel) => {
      const template =
        channel === 'whatsapp' ? (message.whatsappTemplate ?? message.template) : message.template;
      return {
        notificationId: deterministicId(reminder.reminderId, channel, template),
        channel,
        priority: reminder.priority,
        template,
        recipient: reminder.recipient,
        data: message.data,
        attachments: [],
        documentsMissing: false,
        bookingId: reminder.bookingId,
        trigger: { eventId: reminder.trigger.eventId, type: reminder.trigger.type },
        reminderId: reminder.reminderId,
      };
    });
  });
