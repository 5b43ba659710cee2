import {
  type ConversationPricing,
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

type Command = EventOf<typeof NotificationRequested>;

export const PROVIDER = 'whatsapp-cloud';

/** What a status event needs from its command: enough to be rebuilt from the deliveries row for webhooks. */
export interface StatusSubject {
  notificationId: string;
  bookingId: string | null;
  cause: { id: string; correlationId: string };
}

export const subjectOf = (command: Command): StatusSubject => ({
  notificationId: command.data.notificationId,
  bookingId: command.data.bookingId,
  cause: { id: command.id, correlationId: command.correlationId },
});

// Ids derive from (notification, status, attempt or message id): redeliveries and repeated webhooks republish the
// same ids and JetStream's duplicate window drops the copies (this service has no event store).
const base = (s: StatusSubject, at: Date) => ({
  notificationId: s.notificationId,
  channel: 'whatsapp' as const,
  bookingId: s.bookingId,
  at: at.toISOString(),
});

export const sendingEvent = (s: StatusSubject, attempt: number, at: Date) =>
  createEvent(
    NotificationSending,
    { ...base(s, at), attempt },
    { cause: s.cause, id: deterministicId(s.notificationId, 'sending', attempt), occurredAt: at },
  );

export const sentEvent = (s: StatusSubject, attempt: number, at: Date, providerMessageId: string) =>
  createEvent(
    NotificationSent,
    { ...base(s, at), attempt, provider: PROVIDER, providerMessageId },
    { cause: s.cause, id: deterministicId(s.notificationId, 'sent', attempt), occurredAt: at },
  );

export const failedEvent = (
  s: StatusSubject,
  attempt: number,
  at: Date,
  failure: { reason: string; retriable: boolean; provider: string | null },
) =>
  createEvent(
    NotificationFailed,
    { ...base(s, at), attempt, ...failure },
    { cause: s.cause, id: deterministicId(s.notificationId, 'failed', attempt), occurredAt: at },
  );

export const deliveredEvent = (
  s: StatusSubject,
  at: Date,
  receipt: { providerMessageId: string; status: 'delivered' | 'read'; pricing: ConversationPricing | null },
) =>
  createEvent(
    NotificationDelivered,
    { ...base(s, at), provider: PROVIDER, ...receipt },
    {
      cause: s.cause,
      id: deterministicId(s.notificationId, receipt.status, PROVIDER, receipt.providerMessageId),
      occurredAt: at,
    },
  );

export const undeliveredEvent = (
  s: StatusSubject,
  at: Date,
  receipt: {
    providerMessageId: string;
    reason: string;
    errorCode: string | null;
    pricing: ConversationPricing | null;
  },
) =>
  createEvent(
    NotificationUndelivered,
    { ...base(s, at), provider: PROVIDER, ...receipt },
    {
      cause: s.cause,
      id: deterministicId(s.notificationId, 'undelivered', PROVIDER, receipt.providerMessageId),
      occurredAt: at,
    },
  );
