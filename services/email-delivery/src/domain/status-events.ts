import {
  createEvent,
  deterministicId,
  type EventOf,
  NotificationFailed,
  type NotificationRequested,
  NotificationSending,
  NotificationSent,
} from '@express-quote/contracts';

type Command = EventOf<typeof NotificationRequested>;

// Status events derive their ids from (notification, status, attempt): a redelivered command republishes the
// same ids and JetStream's duplicate window drops the copies (this service has no event store).
const base = (command: Command, at: Date) => ({
  notificationId: command.data.notificationId,
  channel: command.data.channel,
  bookingId: command.data.bookingId,
  at: at.toISOString(),
});

export const sendingEvent = (command: Command, attempt: number, at: Date) =>
  createEvent(
    NotificationSending,
    { ...base(command, at), attempt },
    { cause: command, id: deterministicId(command.data.notificationId, 'sending', attempt), occurredAt: at },
  );

export const sentEvent = (
  command: Command,
  attempt: number,
  at: Date,
  sent: { provider: string; providerMessageId: string },
) =>
  createEvent(
    NotificationSent,
    { ...base(command, at), attempt, provider: sent.provider, providerMessageId: sent.providerMessageId },
    { cause: command, id: deterministicId(command.data.notificationId, 'sent', attempt), occurredAt: at },
  );

export const failedEvent = (
  command: Command,
  attempt: number,
  at: Date,
  failure: { provider: string | null; reason: string; retriable: boolean },
) =>
  createEvent(
    NotificationFailed,
    { ...base(command, at), attempt, ...failure },
    { cause: command, id: deterministicId(command.data.notificationId, 'failed', attempt), occurredAt: at },
  );
