import {
  BookingRefundNeedsAttention,
  type DataOf,
  type EventOf,
  type PaymentRefunded,
} from '@express-quote/contracts';
import { DuplicateEventError, handleCommand } from '@express-quote/eventstore';
import { PermanentError } from '@express-quote/messaging';
import type { Logger } from 'pino';
import { bookingTables } from '../database.ts';
import { type BookingCommand, type BookingEvent, bookingDecider } from '../domain/booking.ts';
import { DomainError } from '../domain/errors.ts';
import { toEnvelopes } from '../event-envelopes.ts';
import { bookingStream, refundStream } from '../streams.ts';
import type { HandlerDeps } from './handler-deps.ts';
import { lockPaymentIntent } from './payment-intent-lock.ts';

type Refunded = EventOf<typeof PaymentRefunded>;

export type RefundOutcome =
  | { kind: 'applied'; bookingId: string; events: string[] }
  | { kind: 'parked' }
  | { kind: 'needs_attention' }
  | { kind: 'duplicate' };

const MAX_ATTEMPTS = 5;

const recordUnmatchable = async (event: Refunded, deps: HandlerDeps): Promise<RefundOutcome> => {
  const d = event.data;
  const streamId = refundStream(d.chargeId);
  const data: DataOf<typeof BookingRefundNeedsAttention> = {
    stripeEventId: d.stripeEventId,
    chargeId: d.chargeId,
    paymentIntentId: null,
    reason: 'NO_PAYMENT_INTENT',
    detail: 'Stripe gave no payment intent: the refund cannot be tied to a booking',
    amountRefundedCents: d.amountRefundedCents,
  };
  try {
    await deps.store.append(
      streamId,
      toEnvelopes([{ type: BookingRefundNeedsAttention.type, data }], {
        cause: event,
        streamId,
        now: deps.clock(),
      }),
      { expectedVersion: 'any' },
    );
    return { kind: 'needs_attention' };
  } catch (error) {
    if (error instanceof DuplicateEventError) return { kind: 'duplicate' };
    throw error;
  }
};

const applyToBooking = async (
  event: Refunded,
  paymentIntentId: string,
  bookingId: string,
  deps: HandlerDeps,
): Promise<RefundOutcome> => {
  const d = event.data;
  const now = deps.clock();
  const streamId = bookingStream(bookingId);
  try {
    const result = await handleCommand<
      BookingCommand,
      BookingEvent,
      ReturnType<typeof bookingDecider.initialState>
    >({
      store: deps.store,
      streamId,
      decider: bookingDecider,
      command: {
        type: 'RecordRefund',
        data: {
          stripeEventId: d.stripeEventId,
          chargeId: d.chargeId,
          paymentIntentId,
          totalRefundedCents: d.amountRefundedCents,
          fullyRefunded: d.fullyRefunded,
        },
        metadata: { now },
      },
      toEnvelopes: (events) => toEnvelopes(events, { cause: event, streamId, now }),
      maxRetries: MAX_ATTEMPTS,
    });
    return { kind: 'applied', bookingId, events: result.events.map((e) => e.type) };
  } catch (error) {
    if (error instanceof DuplicateEventError) return { kind: 'duplicate' };
    // A booking that cannot take this refund will not take it on a retry either: staff must look (DLQ).
    if (error instanceof DomainError) throw new PermanentError(`refund ${d.stripeEventId}: ${error.message}`);
    throw error;
  }
};

/** The refund overtook its payment: park it under the payment-intent lock, unless the booking just appeared. */
const parkUnlessBooked = async (
  event: Refunded,
  paymentIntentId: string,
  deps: HandlerDeps,
): Promise<string | null> =>
  deps.db.transaction().execute(async (trx) => {
    await lockPaymentIntent(trx, paymentIntentId);
    const t = bookingTables(trx);
    const booked = await t
      .selectFrom('bookings_by_payment_intent')
      .select('booking_id')
      .where('payment_intent_id', '=', paymentIntentId)
      .executeTakeFirst();
    if (booked) return booked.booking_id;
    await t
      .insertInto('pending_refunds')
      .values({
        stripe_event_id: event.data.stripeEventId,
        payment_intent_id: paymentIntentId,
        event: JSON.stringify(event),
      })
      .onConflict((oc) => oc.column('stripe_event_id').doNothing())
      .execute();
    return null;
  });

/**
 * `payment.refunded` → `booking.refunded` (+ `booking.cancelled` once everything is refunded), matched by payment
 * intent. A refund consumed before its payment (the two travel on different subjects) is parked in
 * pending_refunds and applied by the payment's own transaction, so both orders end in the same state without
 * burning redeliveries on a wait of unknown length.
 */
export const handlePaymentRefunded = async (
  event: Refunded,
  deps: HandlerDeps,
  logger: Logger,
): Promise<RefundOutcome> => {
  const paymentIntentId = event.data.paymentIntentId;
  if (!paymentIntentId) {
    logger.warn({ chargeId: event.data.chargeId }, 'refund without payment intent; recorded for staff');
    return recordUnmatchable(event, deps);
  }
  const booked = await bookingTables(deps.db)
    .selectFrom('bookings_by_payment_intent')
    .select('booking_id')
    .where('payment_intent_id', '=', paymentIntentId)
    .executeTakeFirst();
  const bookingId = booked?.booking_id ?? (await parkUnlessBooked(event, paymentIntentId, deps));
  if (bookingId === null) {
    logger.info({ paymentIntentId }, 'refund arrived before its booking; parked until the booking exists');
    return { kind: 'parked' };
  }
  return applyToBooking(event, paymentIntentId, bookingId, deps);
};
