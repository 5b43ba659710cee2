import {
  BookingPaymentNeedsAttention,
  type CustomerContact,
  type DataOf,
  type EventOf,
  newEventId,
  type PaymentCompleted,
  PaymentRefunded,
  type Price,
  parseEvent,
} from '@express-quote/contracts';
import {
  ConcurrencyError,
  DuplicateEventError,
  foldEvents,
  StaleTransactionError,
} from '@express-quote/eventstore';
import { RetryableError } from '@express-quote/messaging';
import { sql, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import { bookingTables } from '../database.ts';
import { type BookingCommand, bookingDecider, initialBookingState } from '../domain/booking.ts';
import { type CustomerEvent, customerDecider } from '../domain/customer.ts';
import { contactFromCheckout } from '../domain/customer-contact.ts';
import { decideAll } from '../domain/decide-all.ts';
import { isDomainError } from '../domain/errors.ts';
import { computePrice } from '../domain/pricing.ts';
import { type QuoteEvent, type QuoteState, quoteDecider } from '../domain/quote.ts';
import { formatReference } from '../domain/reference.ts';
import { parisYear } from '../domain/schedule.ts';
import { toEnvelopes } from '../event-envelopes.ts';
import {
  bookingIdOf,
  bookingStream,
  checkoutStream,
  customerStream,
  quoteIdOf,
  quoteStream,
  transactionIdOf,
} from '../streams.ts';
import type { HandlerDeps } from './handler-deps.ts';
import { lockPaymentIntent } from './payment-intent-lock.ts';

type Completed = EventOf<typeof PaymentCompleted>;
type AttentionReason = DataOf<typeof BookingPaymentNeedsAttention>['reason'];

export type CompletionOutcome =
  | { kind: 'booked'; bookingId: string; reference: string; mismatch: boolean; refundsApplied: number }
  | { kind: 'needs_attention'; reason: AttentionReason; detail: string }
  | { kind: 'duplicate' };

/** Everything read and decided before the transaction; the transaction re-checks it through expected versions. */
type Plan =
  | { kind: 'needs_attention'; now: Date; reason: AttentionReason; detail: string }
  | {
      kind: 'book';
      now: Date;
      quote: Extract<QuoteState, { status: 'REQUESTED' | 'CONFIRMED' }>;
      quoteVersion: number;
      quoteEvents: QuoteEvent[];
      customer: {
        customerId: string;
        isNew: boolean;
        version: number;
        events: CustomerEvent[];
        contact: CustomerContact;
      };
      price: Price;
      insuranceCents: number;
    };

/** Another checkout registered the same e-mail between our read and our insert: plan again. */
class CustomerRegisteredMeanwhile extends Error {
  override readonly name = 'CustomerRegisteredMeanwhile';
}

const MAX_ATTEMPTS = 5;

const plan = async (event: Completed, deps: HandlerDeps, logger: Logger): Promise<Plan> => {
  const d = event.data;
  const now = deps.clock();
  const attention = (reason: AttentionReason, detail: string): Plan => ({
    kind: 'needs_attention',
    now,
    reason,
    detail,
  });

  const quoteId = quoteIdOf(d.temporaryId);
  const quoteHistory = await deps.store.readStream(quoteStream(quoteId));
  const quote = foldEvents(quoteDecider, quoteHistory as unknown as QuoteEvent[]);
  if (quote.status === 'NONE')
    return attention('UNKNOWN_QUOTE', 'no quote was requested with this temporaryId');
  let quoteEvents: QuoteEvent[];
  try {
    quoteEvents = quoteDecider.decide(
      {
        type: 'ConfirmQuote',
        data: { bookingId: bookingIdOf(d.checkoutSessionId), checkoutSessionId: d.checkoutSessionId },
        metadata: { now },
      },
      quote,
    );
  } catch (error) {
    if (isDomainError(error, 'QUOTE_ALREADY_CONFIRMED'))
      return attention('QUOTE_ALREADY_CONFIRMED', error.message);
    throw error;
  }

  const contact = contactFromCheckout(d.customer, quote.request.contact);
  if (!contact.ok) return attention('INVALID_CUSTOMER', contact.detail);
  if (contact.phoneDropped) logger.warn('checkout phone number is not usable; booking recorded without it');

  // Seed step 3.3: the price is recomputed here, whatever the checkout says.
  const { price, insuranceCents } = computePrice(quote.request, deps.rates);
  if (d.paymentStatus === 'no_payment_required' && d.amountCents === 0) {
    if (price.totalCents !== 0) {
      return attention(
        'ZERO_AMOUNT_FOR_PRICED_QUOTE',
        `nothing was paid for a quote priced ${price.totalCents} cents`,
      );
    }
  } else if (price.totalCents <= 0) {
    return attention(
      'PRICE_NOT_POSITIVE',
      `server-side price is ${price.totalCents} cents for a paid checkout`,
    );
  }

  const known = await bookingTables(deps.db)
    .selectFrom('customers_by_email')
    .select('customer_id')
    .where('email', '=', contact.contact.email)
    .executeTakeFirst();
  let customer: Extract<Plan, { kind: 'book' }>['customer'];
  if (known) {
    const history = await deps.store.readStream(customerStream(known.customer_id));
    const state = foldEvents(customerDecider, history as unknown as CustomerEvent[]);
    const events = customerDecider.decide(
      { type: 'UpdateCustomerDetails', data: { contact: contact.contact }, metadata: { now } },
      state,
    );
    const after = events.reduce(customerDecider.evolve, state);
    if (after.status === 'NONE')
      throw new Error(`customer ${known.customer_id} is indexed but has no events`);
    customer = {
      customerId: known.customer_id,
      isNew: false,
      version: history.at(-1)?.streamVersion ?? 0,
      events,
      contact: after.contact,
    };
  } else {
    const customerId = newEventId();
    customer = {
      customerId,
      isNew: true,
      version: 0,
      events: customerDecider.decide(
        { type: 'RegisterCustomer', data: { customerId, contact: contact.contact }, metadata: { now } },
        customerDecider.initialState(),
      ),
      contact: contact.contact,
    };
  }
  return {
    kind: 'book',
    now,
    quote,
    quoteVersion: quoteHistory.at(-1)?.streamVersion ?? 0,
    quoteEvents,
    customer,
    price,
    insuranceCents,
  };
};

// biome-ignore lint/suspicious/noExplicitAny: a transaction over the service's database
const nextReference = async (trx: Transaction<any>, now: Date): Promise<string> => {
  const year = parisYear(now);
  const row = await bookingTables(trx)
    .insertInto('reference_counters')
    .values({ year, last_value: 1 })
    .onConflict((oc) => oc.column('year').doUpdateSet({ last_value: sql`reference_counters.last_value + 1` }))
    .returning('last_value')
    .executeTakeFirstOrThrow();
  return formatReference(year, row.last_value);
};

const commit = async (
  // biome-ignore lint/suspicious/noExplicitAny: a transaction over the service's database
  trx: Transaction<any>,
  event: Completed,
  p: Plan,
  deps: HandlerDeps,
  logger: Logger,
): Promise<CompletionOutcome> => {
  const d = event.data;
  const t = bookingTables(trx);
  const bookingId = bookingIdOf(d.checkoutSessionId);
  // First statement on purpose: a concurrent duplicate blocks here until this transaction ends, then finds the
  // row and stops, before doing any work.
  const claimed = await t
    .insertInto('checkout_sessions')
    .values({
      checkout_session_id: d.checkoutSessionId,
      payment_event_id: event.id,
      outcome: p.kind === 'book' ? 'BOOKED' : 'NEEDS_ATTENTION',
      booking_id: p.kind === 'book' ? bookingId : null,
    })
    .onConflict((oc) => oc.column('checkout_session_id').doNothing())
    .returning('checkout_session_id')
    .executeTakeFirst();
  if (!claimed) return { kind: 'duplicate' };

  if (p.kind === 'needs_attention') {
    const streamId = checkoutStream(d.checkoutSessionId);
    const data: DataOf<typeof BookingPaymentNeedsAttention> = {
      checkoutSessionId: d.checkoutSessionId,
      temporaryId: d.temporaryId,
      reason: p.reason,
      detail: p.detail,
      amountCents: d.amountCents,
    };
    await deps.store.append(
      streamId,
      toEnvelopes([{ type: BookingPaymentNeedsAttention.type, data }], {
        cause: event,
        streamId,
        now: p.now,
      }),
      { expectedVersion: 'any', trx },
    );
    return { kind: 'needs_attention', reason: p.reason, detail: p.detail };
  }

  const paymentIntentId = d.paymentIntentId;
  if (paymentIntentId) await lockPaymentIntent(trx, paymentIntentId);

  const { customer } = p;
  if (customer.isNew) {
    const indexed = await t
      .insertInto('customers_by_email')
      .values({ email: customer.contact.email, customer_id: customer.customerId })
      .onConflict((oc) => oc.column('email').doNothing())
      .returning('customer_id')
      .executeTakeFirst();
    if (!indexed) throw new CustomerRegisteredMeanwhile(`customer e-mail registered concurrently`);
  }
  if (customer.events.length > 0) {
    const streamId = customerStream(customer.customerId);
    await deps.store.append(streamId, toEnvelopes(customer.events, { cause: event, streamId, now: p.now }), {
      expectedVersion: customer.version === 0 ? 'no_stream' : customer.version,
      trx,
    });
  }

  // As late as possible: the counter row stays locked until commit, and every booking of the year needs it.
  const reference = await nextReference(trx, p.now);
  const meta = { metadata: { now: p.now } };
  const lifecycle = decideAll(bookingDecider, initialBookingState(), [
    {
      type: 'DraftBooking',
      data: {
        bookingId,
        reference,
        quoteId: p.quote.quoteId,
        temporaryId: p.quote.temporaryId,
        checkoutSessionId: d.checkoutSessionId,
        customer: { customerId: customer.customerId, ...customer.contact },
        request: p.quote.request,
        price: p.price,
        insuranceCents: p.insuranceCents,
      },
      ...meta,
    },
    {
      type: 'RecordTransaction',
      data: {
        transactionId: transactionIdOf(d.checkoutSessionId),
        paymentIntentId,
        method: d.paymentStatus === 'no_payment_required' && d.amountCents === 0 ? 'none' : 'card',
        amountCents: d.amountCents,
      },
      ...meta,
    },
    { type: 'CompletePayment', data: {}, ...meta },
    { type: 'ConfirmBooking', data: { urgentWithinMs: deps.urgentWithinMs }, ...meta },
  ] satisfies BookingCommand[]);
  const streamId = bookingStream(bookingId);
  const envelopes = toEnvelopes(lifecycle.events, { cause: event, streamId, now: p.now });

  // Refunds that overtook this payment: applied now, each caused by its own refund event, so the booking ends
  // exactly as if they had arrived after it.
  let state = lifecycle.state;
  const applied: string[] = [];
  if (paymentIntentId) {
    const pending = await t
      .selectFrom('pending_refunds')
      .select(['stripe_event_id', 'event'])
      .where('payment_intent_id', '=', paymentIntentId)
      .where('applied_at', 'is', null)
      .orderBy('received_at')
      .orderBy('stripe_event_id')
      .execute();
    for (const row of pending) {
      const refund = parseEvent(row.event, [PaymentRefunded]);
      const decided = decideAll(bookingDecider, state, [
        {
          type: 'RecordRefund',
          data: {
            stripeEventId: refund.data.stripeEventId,
            chargeId: refund.data.chargeId,
            paymentIntentId,
            totalRefundedCents: refund.data.amountRefundedCents,
            fullyRefunded: refund.data.fullyRefunded,
          },
          ...meta,
        },
      ]);
      state = decided.state;
      envelopes.push(...toEnvelopes(decided.events, { cause: refund, streamId, now: p.now }));
      applied.push(row.stripe_event_id);
    }
  }
  await deps.store.append(streamId, envelopes, { expectedVersion: 'no_stream', trx });

  if (p.quoteEvents.length > 0) {
    const quoteStreamId = quoteStream(p.quote.quoteId);
    await deps.store.append(
      quoteStreamId,
      toEnvelopes(p.quoteEvents, { cause: event, streamId: quoteStreamId, now: p.now }),
      {
        expectedVersion: p.quoteVersion,
        trx,
      },
    );
  }
  if (paymentIntentId) {
    await t
      .insertInto('bookings_by_payment_intent')
      .values({ payment_intent_id: paymentIntentId, booking_id: bookingId })
      .execute();
  }
  if (applied.length > 0) {
    await t
      .updateTable('pending_refunds')
      .set({ applied_at: p.now, booking_id: bookingId })
      .where('stripe_event_id', 'in', applied)
      .execute();
    logger.info(
      { bookingId, refunds: applied.length },
      'refunds received before the payment applied to the booking',
    );
  }
  return {
    kind: 'booked',
    bookingId,
    reference,
    mismatch: lifecycle.events.some((e) => e.type === 'booking.payment_amount_mismatch'),
    refundsApplied: applied.length,
  };
};

/**
 * Seed step 3 on `payment.completed`: quote by temporaryId, customer by e-mail, price recomputed, booking DRAFT →
 * PAYMENT_COMPLETED with its transaction, quote CONFIRMED, then `booking.confirmed` — all appended in ONE
 * transaction together with the checkout session's unique row, so a payment consumed any number of times, at
 * once or after a crash between commit and ack, makes one booking. What cannot become a booking is recorded as
 * `booking.payment_needs_attention` and acked.
 */
export const handlePaymentCompleted = async (
  event: Completed,
  deps: HandlerDeps,
  logger: Logger,
): Promise<CompletionOutcome> => {
  const sessionId = event.data.checkoutSessionId;
  const done = await bookingTables(deps.db)
    .selectFrom('checkout_sessions')
    .select('checkout_session_id')
    .where('checkout_session_id', '=', sessionId)
    .executeTakeFirst();
  if (done) return { kind: 'duplicate' };
  for (let attempt = 1; ; attempt++) {
    try {
      const p = await plan(event, deps, logger);
      return await deps.db.transaction().execute((trx) => commit(trx, event, p, deps, logger));
    } catch (error) {
      // Our event ids derive from the cause: they are already stored, so this payment was handled.
      if (error instanceof DuplicateEventError) return { kind: 'duplicate' };
      // Someone appended to one of our streams (or registered the e-mail) since we read: plan again. The
      // transaction writes the checkout row before appending, so an append that committed in between can also
      // surface as StaleTransactionError.
      const contended =
        error instanceof ConcurrencyError ||
        error instanceof StaleTransactionError ||
        error instanceof CustomerRegisteredMeanwhile;
      if (!contended) throw error;
      if (attempt >= MAX_ATTEMPTS) {
        throw new RetryableError(`checkout ${sessionId}: still contended after ${attempt} attempts`, {
          cause: error,
        });
      }
    }
  }
};
