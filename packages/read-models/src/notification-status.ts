import type {
  DataOf,
  EventOf,
  NotificationDelivered,
  NotificationFailed,
  NotificationRequested,
  NotificationSending,
  NotificationSent,
  NotificationUndelivered,
} from '@express-quote/contracts';

/*
 * The fold of the notifications service's `notification_status` projection, shared with the CLI (replay, rebuild,
 * trace), which may not import a service: one fold, so a rebuild writes exactly what the service writes.
 */

export const NOTIFICATION_STATUSES = [
  'PENDING',
  'SENDING',
  'FAILED',
  'SENT',
  'DELIVERED',
  'UNDELIVERED',
] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

export type StatusEvent =
  | EventOf<typeof NotificationRequested>
  | EventOf<typeof NotificationSending>
  | EventOf<typeof NotificationSent>
  | EventOf<typeof NotificationFailed>
  | EventOf<typeof NotificationDelivered>
  | EventOf<typeof NotificationUndelivered>;

/**
 * What we know about one notification: the latest fact of each kind. Commands and status events come from two
 * streams through two consumers, so they arrive in any order and sometimes twice. Merging keeps, per kind, the
 * fact with the latest `at` (ties broken by event id): the merge is commutative and idempotent, so every arrival
 * order and every redelivery gives the same facts, hence the same derived status.
 */
export interface NotificationFacts {
  notificationId: string;
  request: (DataOf<typeof NotificationRequested> & { at: string; correlationId: string }) | null;
  sending: (DataOf<typeof NotificationSending> & { eventId: string }) | null;
  sent: (DataOf<typeof NotificationSent> & { eventId: string }) | null;
  failed: (DataOf<typeof NotificationFailed> & { eventId: string }) | null;
  delivered: (DataOf<typeof NotificationDelivered> & { eventId: string }) | null;
  undelivered: (DataOf<typeof NotificationUndelivered> & { eventId: string }) | null;
  /** Highest attempt number seen on any status event. */
  maxAttempt: number;
}

export const emptyFacts = (notificationId: string): NotificationFacts => ({
  notificationId,
  request: null,
  sending: null,
  sent: null,
  failed: null,
  delivered: null,
  undelivered: null,
  maxAttempt: 0,
});

const later = <F extends { at: string; eventId: string }>(current: F | null, next: F): F => {
  if (!current) return next;
  if (next.at !== current.at) return next.at > current.at ? next : current;
  return next.eventId > current.eventId ? next : current;
};

export const notificationIdOf = (event: StatusEvent): string => event.data.notificationId;

export const mergeFact = (facts: NotificationFacts, event: StatusEvent): NotificationFacts => {
  if (event.data.notificationId !== facts.notificationId) {
    throw new Error(`event for ${event.data.notificationId} merged into ${facts.notificationId}`);
  }
  switch (event.type) {
    case 'notification.requested': {
      const next = { ...event.data, at: event.occurredAt, correlationId: event.correlationId };
      // The same id always carries the same command; keep the first one we stored (ties: earliest wins).
      const request = !facts.request || next.at < facts.request.at ? next : facts.request;
      return { ...facts, request };
    }
    case 'notification.sending':
      return {
        ...facts,
        sending: later(facts.sending, { ...event.data, eventId: event.id }),
        maxAttempt: Math.max(facts.maxAttempt, event.data.attempt),
      };
    case 'notification.sent':
      return {
        ...facts,
        sent: later(facts.sent, { ...event.data, eventId: event.id }),
        maxAttempt: Math.max(facts.maxAttempt, event.data.attempt),
      };
    case 'notification.failed':
      return {
        ...facts,
        failed: later(facts.failed, { ...event.data, eventId: event.id }),
        maxAttempt: Math.max(facts.maxAttempt, event.data.attempt),
      };
    case 'notification.delivered':
      return { ...facts, delivered: later(facts.delivered, { ...event.data, eventId: event.id }) };
    case 'notification.undelivered':
      return { ...facts, undelivered: later(facts.undelivered, { ...event.data, eventId: event.id }) };
    default: {
      const unreachable: never = event;
      throw new Error(`unknown status event ${(unreachable as { type: string }).type}`);
    }
  }
};

/** The read model row derived from the facts. */
export interface NotificationStatusView {
  notificationId: string;
  status: NotificationStatus;
  bookingId: string | null;
  channel: string | null;
  template: string | null;
  recipientKind: string | null;
  attempts: number;
  provider: string | null;
  providerMessageId: string | null;
  lastError: string | null;
  /** FAILED only: false = permanent (bad address, bad data), true = attempts exhausted on transient errors. */
  retriable: boolean | null;
  requestedAt: string | null;
  sendingAt: string | null;
  sentAt: string | null;
  failedAt: string | null;
  deliveredAt: string | null;
  undeliveredAt: string | null;
  updatedAt: string;
}

/**
 * PENDING → SENDING → SENT | FAILED, then DELIVERED | UNDELIVERED. Never backwards: a late SENDING after SENT
 * changes nothing, and SENT beats FAILED (a redriven message that went out is sent). Between DELIVERED and
 * UNDELIVERED the provider's latest word wins.
 */
export const deriveStatus = (facts: NotificationFacts): NotificationStatusView => {
  const { request, sending, sent, failed, delivered, undelivered } = facts;
  let status: NotificationStatus = 'PENDING';
  if (sending) status = 'SENDING';
  if (failed) status = 'FAILED';
  if (sent) status = 'SENT';
  const receipt =
    delivered && undelivered
      ? later(
          { at: delivered.at, eventId: delivered.eventId, kind: 'DELIVERED' as const },
          { at: undelivered.at, eventId: undelivered.eventId, kind: 'UNDELIVERED' as const },
        ).kind
      : delivered
        ? 'DELIVERED'
        : undelivered
          ? 'UNDELIVERED'
          : null;
  if (receipt) status = receipt;

  const receiptFact = receipt === 'DELIVERED' ? delivered : receipt === 'UNDELIVERED' ? undelivered : null;
  const provider = receiptFact?.provider ?? sent?.provider ?? failed?.provider ?? null;
  const providerMessageId = receiptFact?.providerMessageId ?? sent?.providerMessageId ?? null;
  const errors = [failed && { at: failed.at, reason: failed.reason }, undelivered && undelivered]
    .filter((e): e is { at: string; reason: string } => Boolean(e))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const times = [request?.at, sending?.at, sent?.at, failed?.at, delivered?.at, undelivered?.at].filter(
    (t): t is string => Boolean(t),
  );

  return {
    notificationId: facts.notificationId,
    status,
    bookingId:
      request?.bookingId ??
      sending?.bookingId ??
      sent?.bookingId ??
      failed?.bookingId ??
      delivered?.bookingId ??
      undelivered?.bookingId ??
      null,
    channel:
      request?.channel ??
      sending?.channel ??
      sent?.channel ??
      failed?.channel ??
      delivered?.channel ??
      undelivered?.channel ??
      null,
    template: request?.template ?? null,
    recipientKind: request?.recipient.kind ?? null,
    attempts: facts.maxAttempt,
    provider,
    providerMessageId,
    lastError: errors.at(-1)?.reason ?? null,
    retriable: status === 'FAILED' ? (failed?.retriable ?? null) : null,
    requestedAt: request?.at ?? null,
    sendingAt: sending?.at ?? null,
    sentAt: sent?.at ?? null,
    failedAt: failed?.at ?? null,
    deliveredAt: delivered?.at ?? null,
    undeliveredAt: undelivered?.at ?? null,
    updatedAt: times.sort().at(-1) ?? new Date(0).toISOString(),
  };
};

export const isStatusEventType = (type: string): boolean =>
  type === 'notification.requested' ||
  type === 'notification.sending' ||
  type === 'notification.sent' ||
  type === 'notification.failed' ||
  type === 'notification.delivered' ||
  type === 'notification.undelivered';
