import {
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
import type { SmsEncoding } from './sms-text.ts';

type Command = EventOf<typeof NotificationRequested>;

/** What a status event needs from its command: enough to be rebuilt from the deliveries row for callbacks. */
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

// Ids derive from (notification, status, attempt or provider message): a redelivered command or a repeated callback
// republishes the same ids and JetStream's duplicate window drops the copies (this service has no event store).
const base = (s: StatusSubject, at: Date) => ({
  notificationId: s.notificationId,
  channel: 'sms' as const,
  bookingId: s.bookingId,
  at: at.toISOString(),
});

export const sendingEvent = (s: StatusSubject, attempt: number, at: Date) =>
  createEvent(
    NotificationSending,
    { ...base(s, at), attempt },
    { cause: s.cause, id: deterministicId(s.notificationId, 'sending', attempt), occurredAt: at },
  );

export const sentEvent = (
  s: StatusSubject,
  attempt: number,
  at: Date,
  sent: {
    provider: string;
    providerMessageId: string;
    segments: number;
    encoding: SmsEncoding;
    costMicros: number | null;
  },
) =>
  createEvent(
    NotificationSent,
    { ...base(s, at), attempt, ...sent },
    { cause: s.cause, id: deterministicId(s.notificationId, 'sent', attempt), occurredAt: at },
  );

export const failedEvent = (
  s: StatusSubject,
  attempt: number,
  at: Date,
  failure: { provider: string | null; reason: string; retriable: boolean },
) =>
  createEvent(
    NotificationFailed,
    { ...base(s, at), attempt, ...failure },
    { cause: s.cause, id: deterministicId(s.notificationId, 'failed', attempt), occurredAt: at },
  );

export const deliveredEvent = (
  s: StatusSubject,
  at: Date,
  receipt: { provider: string; providerMessageId: string; status: 'delivered' | 'read' },
) =>
  createEvent(
    NotificationDelivered,
    { ...base(s, at), ...receipt },
    {
      cause: s.cause,
      id: deterministicId(s.notificationId, receipt.status, receipt.provider, receipt.providerMessageId),
      occurredAt: at,
    },
  );

export const undeliveredEvent = (
  s: StatusSubject,
  at: Date,
  receipt: { provider: string; providerMessageId: string; reason: string; errorCode: string | null },
) =>
  createEvent(
    NotificationUndelivered,
    { ...base(s, at), ...receipt },
    {
      cause: s.cause,
      id: deterministicId(s.notificationId, 'undelivered', receipt.provider, receipt.providerMessageId),
      occurredAt: at,
    },
  );
