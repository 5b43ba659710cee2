/**
 * Streams per bounded context. Names and subjects are the production ones; `namespaced()` prefixes them so a
 * test file (or a second environment on a shared server) gets its own streams without overlapping subjects.
 */
export const CONTEXTS = {
  payments: { stream: 'PAYMENTS', root: 'payments' },
  bookings: { stream: 'BOOKINGS', root: 'bookings' },
  attribution: { stream: 'ATTRIBUTION', root: 'attribution' },
  documents: { stream: 'DOCUMENTS', root: 'documents' },
  notify: { stream: 'NOTIFY', root: 'notify' },
  notifications: { stream: 'NOTIFICATIONS', root: 'notifications' },
  dlq: { stream: 'DLQ', root: 'dlq' },
} as const;

export type Context = keyof typeof CONTEXTS;

export interface Namespace {
  /** '' in production; a short lowercase token such as `t1a2b3` in tests. */
  readonly prefix: string;
  /** Stream name for a context, e.g. `BOOKINGS` or `T1A2B3_BOOKINGS`. */
  stream(context: Context): string;
  /** Full subject for a subject relative to the namespace, e.g. `bookings.booking.confirmed`. */
  subject(relative: string): string;
  /** Subject filter covering a whole context, e.g. `bookings.>`. */
  contextFilter(context: Context): string;
  /** Strips the namespace prefix from a full subject. */
  relative(subject: string): string;
  /** Object Store / KV bucket name, e.g. `documents` or `t1a2b3_documents`. */
  bucket(name: string): string;
  /** Durable consumer name, e.g. `documents-booking-confirmed` (consumers live inside namespaced streams). */
  durable(name: string): string;
}

const PREFIX_PATTERN = /^[a-z][a-z0-9]{0,15}$/;

export const namespaced = (prefix = ''): Namespace => {
  if (prefix !== '' && !PREFIX_PATTERN.test(prefix)) {
    throw new Error(
      `invalid namespace prefix "${prefix}": expected 1-16 lowercase letters/digits starting with a letter`,
    );
  }
  const subject = (relative: string) => (prefix ? `${prefix}.${relative}` : relative);
  return {
    prefix,
    stream: (context) =>
      prefix ? `${prefix.toUpperCase()}_${CONTEXTS[context].stream}` : CONTEXTS[context].stream,
    subject,
    contextFilter: (context) => subject(`${CONTEXTS[context].root}.>`),
    relative: (full) => (prefix && full.startsWith(`${prefix}.`) ? full.slice(prefix.length + 1) : full),
    bucket: (name) => (prefix ? `${prefix}_${name}` : name),
    durable: (name) => name,
  };
};

/**
 * Channel command subjects, one per priority so a lane is never queued behind another's backlog. CRITICAL is only
 * the customer's booking confirmation (exactly one, fast: it must not wait behind the staff copies of the same
 * bookings, which are HIGH); HIGH is other urgent traffic; NORMAL the rest. Ordered from the most urgent.
 */
export const CHANNELS = ['email', 'sms', 'whatsapp'] as const;
export type Channel = (typeof CHANNELS)[number];
export const PRIORITIES = ['CRITICAL', 'HIGH', 'NORMAL'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const notifySubject = (channel: Channel, priority: Priority): string =>
  `notify.${channel}.${priority.toLowerCase()}`;
