import { deterministicId } from '@express-quote/contracts';

/**
 * Event store stream ids, one per aggregate. A quote's id derives from its temporaryId (the only handle Stripe's
 * metadata carries back), and a booking's from its checkout session: a redelivered payment always lands on the
 * same booking stream, and no lookup table is needed to find a quote.
 */
export const quoteIdOf = (temporaryId: string): string => deterministicId('quote', temporaryId);
export const bookingIdOf = (checkoutSessionId: string): string =>
  deterministicId('booking', checkoutSessionId);
export const transactionIdOf = (checkoutSessionId: string): string =>
  deterministicId('transaction', checkoutSessionId);

export const quoteStream = (quoteId: string): string => `quote-${quoteId}`;
export const customerStream = (customerId: string): string => `customer-${customerId}`;
export const bookingStream = (bookingId: string): string => `booking-${bookingId}`;
/** Facts about a checkout that could not become a booking (no aggregate of ours to hold them). */
export const checkoutStream = (checkoutSessionId: string): string => `checkout-${checkoutSessionId}`;
/** Facts about a refund that cannot be tied to a booking. */
export const refundStream = (chargeId: string): string => `refund-${chargeId}`;
