import type { ColumnType, Generated, Kysely } from 'kysely';

/** The booking service's Postgres schema: its event store and the tables below live there. */
export const BOOKING_SCHEMA = 'booking';

/**
 * One row per Stripe checkout session consumed, inserted in the same transaction as the events it produced: the
 * unique key that makes "the same payment 5 times" one booking.
 */
export interface CheckoutSessionsTable {
  checkout_session_id: string;
  payment_event_id: string;
  outcome: 'BOOKED' | 'NEEDS_ATTENTION';
  booking_id: string | null;
  created_at: Generated<Date>;
}

/** Customers are found by e-mail (lowercase); written with the customer's first event. */
export interface CustomersByEmailTable {
  email: string;
  customer_id: string;
  created_at: Generated<Date>;
}

/** Gap-free booking numbers per year: the row lock is held until the booking's transaction commits. */
export interface ReferenceCountersTable {
  year: number;
  last_value: number;
}

/** How a refund (which only knows the payment intent) finds its booking. */
export interface BookingsByPaymentIntentTable {
  payment_intent_id: string;
  booking_id: string;
  created_at: Generated<Date>;
}

/** Refunds that arrived before the payment they refund was turned into a booking (out-of-order delivery). */
export interface PendingRefundsTable {
  stripe_event_id: string;
  payment_intent_id: string;
  /** The payment.refunded envelope, applied when the booking appears. */
  event: ColumnType<unknown, string, string>;
  received_at: Generated<Date>;
  applied_at: Date | null;
  booking_id: string | null;
}

/** Read model behind GET /api/bookings (projection of the booking streams). */
export interface BookingsViewTable {
  booking_id: string;
  reference: string;
  status: string;
  /** Last booking stream version applied: replays of older events are skipped. */
  last_version: number;
  view: ColumnType<unknown, string, string>;
  updated_at: Generated<Date>;
}

export interface BookingTables {
  checkout_sessions: CheckoutSessionsTable;
  customers_by_email: CustomersByEmailTable;
  reference_counters: ReferenceCountersTable;
  bookings_by_payment_intent: BookingsByPaymentIntentTable;
  pending_refunds: PendingRefundsTable;
  bookings_view: BookingsViewTable;
}

/** The service's own tables, in its schema, on a pool or inside a transaction. */
// biome-ignore lint/suspicious/noExplicitAny: the pool or a transaction over any typed database
export const bookingTables = (db: Kysely<any>): Kysely<BookingTables> =>
  db.withSchema(BOOKING_SCHEMA) as Kysely<BookingTables>;
