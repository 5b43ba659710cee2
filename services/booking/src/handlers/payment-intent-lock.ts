import { type Kysely, sql } from 'kysely';

/**
 * Serializes, per payment intent, the transaction that creates a booking and the one that parks a refund
 * arriving first: whichever commits second sees the other's rows (READ COMMITTED re-reads after the lock), so a
 * refund is never parked after the booking that should have taken it was committed.
 */
// biome-ignore lint/suspicious/noExplicitAny: a transaction over any typed database
export const lockPaymentIntent = async (trx: Kysely<any>, paymentIntentId: string): Promise<void> => {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`booking-payment-intent:${paymentIntentId}`}, 0))`.execute(
    trx,
  );
};
