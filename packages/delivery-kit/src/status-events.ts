import {
  type Channel,
  createEvent,
  deterministicId,
  type EventOf,
  NotificationDelivered,
  NotificationFailed,
  type NotificationRequested,
  NotificationSending,
  NotificationSent,
  NotificationUndelivered,
} from '@express-quote/contracts';
import type { z } from 'zod';

type Command = EventOf<typeof NotificationRequested>;

/** What a status event needs from its command: enough to be rebuilt from a deliveries row for callbacks. */
export interface StatusSubject {
  notificationId: string;
  bookingId: string | null;
  /** The command's envelope id and correlation id: the status is caused by the command. */
  cause: { id: string; correlationId: string };
}

export const subjectOf = (command: Command): StatusSubject => ({
  notificationId: command.data.notificationId,
  bookingId: command.data.bookingId,
  cause: { id: command.id, correlationId: command.correlationId },
});

type Base = 'notificationId' | 'channel' | 'bookingId' | 'at' | 'attempt';
export type SentDetails = Omit<z.input<(typeof NotificationSent)['schema']>, Base>;
export type FailureDetails = Omit<z.input<(typeof NotificationFailed)['schema']>, Base>;
export type DeliveredReceipt = Omit<z.input<(typeof NotificationDelivered)['schema']>, Base>;
export type UndeliveredReceipt = Omit<z.input<(typeof NotificationUndelivered)['schema']>, Base>;

/**
 * The status events of one channel. Ids derive from (notification, status, attempt or provider message): a
 * redelivered command or a repeated callback republishes the same ids and JetStream's duplicate window drops the
 * copies (delivery services have no event store).
 */
export const statusEvents = (channel: Channel) => {
  const base = (s: StatusSubject, at: Date) => ({
    notificationId: s.notificationId,
    channel,
    bookingId: s.bookingId,
    at: at.toISOString(),
  });
  return {
    sending: (s: StatusSubject, attempt: number, at: Date) =>
      createEvent(
        NotificationSending,
        { ...base(s, at), attempt },
        { cause: s.cause, id: deterministicId(s.notificationId, 'sending', attempt), occurredAt: at },
      ),
    sent: (s: StatusSubject, attempt: number, at: Date, sent: SentDetails) =>
      createEvent(
        NotificationSent,
        { ...base(s, at), attempt, ...sent },
        { cause: s.cause, id: deterministicId(s.notificationId, 'sent', attempt), occurredAt: at },
      ),
    failed: (s: StatusSubject, attempt: number, at: Date, failure: FailureDetails) =>
      createEvent(
        NotificationFailed,
        { ...base(s, at), attempt, ...failure },
        { cause: s.cause, id: deterministicId(s.notificationId, 'failed', attempt), occurredAt: at },
      ),
    delivered: (s: StatusSubject, at: Date, receipt: DeliveredReceipt) =>
      createEvent(
        NotificationDelivered,
        { ...base(s, at), ...receipt },
        {
          cause: s.cause,
          id: deterministicId(s.notificationId, receipt.status, receipt.provider, receipt.providerMessageId),
          occurredAt: at,
        },
      ),
    undelivered: (s: StatusSubject, at: Date, receipt: UndeliveredReceipt) =>
      createEvent(
        NotificationUndelivered,
        { ...base(s, at), ...receipt },
        {
          cause: s.cause,
          id: deterministicId(s.notificationId, 'undelivered', receipt.provider, receipt.providerMessageId),
          occurredAt: at,
        },
      ),
  };
};

export type StatusEvents = ReturnType<typeof statusEvents>;

/** The subject of a deliveries row (callbacks and webhooks find the notification by its provider message id). */
export const subjectOfRow = (row: {
  notification_id: string;
  booking_id: string | null;
  command_event_id: string;
  correlation_id: string;
}): StatusSubject => ({
  notificationId: row.notification_id,
  bookingId: row.booking_id,
  cause: { id: row.command_event_id, correlationId: row.correlation_id },
});
