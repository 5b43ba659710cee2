import type { DeadLetter } from '@express-quote/messaging';
import type { NotificationStatusView } from '@express-quote/read-models';

export type TraceQueryKind = 'stripe-event' | 'reference' | 'uuid' | 'correlation';

/** What the engineer typed, and what it was resolved to. */
export interface TraceSubject {
  query: string;
  kind: TraceQueryKind;
  correlationIds: string[];
  bookingId: string | null;
  reference: string | null;
  /** How the id was resolved, for the header (`reference EQ-… → booking … (booking.bookings_view)`). */
  resolution: string[];
}

/** One event or message of the booking, wherever it was seen (streams, event stores, or both). */
export interface Hop {
  /** Envelope id; null for a message that is not a valid envelope. */
  eventId: string | null;
  type: string;
  /** Stream label (`BOOKINGS`), or null when only in an event store. */
  stream: string | null;
  /** Full stream name (with the namespace prefix): how the DLQ names it. */
  streamName: string | null;
  seq: number | null;
  /** Every stream sequence holding this envelope (a redrive adds one). */
  sequences: number[];
  subject: string | null;
  /** When the stream (or else the store) recorded it: the order of the trace. */
  recordedAt: string;
  occurredAt: string | null;
  correlationId: string | null;
  causationId: string | null;
  data: unknown;
  store: { schema: string; streamId: string; version: number } | null;
  deadLetters: DeadLetter[];
  /** Why the payload is not a valid event, when it is not. */
  invalid: string | null;
}

export interface OutboxRow {
  notificationId: string;
  channel: string;
  template: string;
  recipientKind: string | null;
  status: 'WAITING' | 'PUBLISHED';
  awaitsAudience: string | null;
  releaseAt: string;
  createdAt: string;
  publishedAt: string | null;
}

export interface TraceNotification {
  notificationId: string;
  channel: string | null;
  template: string | null;
  recipientKind: string | null;
  priority: string | null;
  /** WAITING_DOCUMENTS while the planner holds it back, then the projection's status. */
  status: NotificationStatusView['status'] | 'WAITING_DOCUMENTS' | 'PLANNED';
  attempts: number;
  lastError: string | null;
  retriable: boolean | null;
  provider: string | null;
  /** Where the status comes from: the service's projection table, or folded from the streams here. */
  source: 'projection' | 'streams' | 'outbox';
  documentsMissing: boolean | null;
  waiting: { audience: string | null; releaseAt: string } | null;
  requestedAt: string | null;
}

export interface Finding {
  level: 'missing' | 'problem' | 'note';
  message: string;
}

export interface Trace {
  subject: TraceSubject;
  hops: Hop[];
  notifications: TraceNotification[];
  findings: Finding[];
  /** Sources that could not be read (no DLQ stream, no database…): the trace is partial. */
  warnings: string[];
  scanned: { stream: string; from: number | null; to: number | null; messages: number; matched: number }[];
}
