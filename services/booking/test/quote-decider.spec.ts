import { describe } from 'vitest';
import { type QuoteCommand, type QuoteEvent, quoteDecider } from '../src/domain/quote.ts';
import { PRICE, REQUEST, T0, T1, T2 } from './fixtures.ts';
import { runDeciderCases } from './given-when-then.ts';

const QUOTE_ID = '0195f000-0000-7000-8000-0000000000a1';
const BOOKING_ID = '0195f000-0000-7000-8000-0000000000b1';
const OTHER_BOOKING_ID = '0195f000-0000-7000-8000-0000000000b2';

const requested: QuoteEvent = {
  type: 'quote.requested',
  data: {
    quoteId: QUOTE_ID,
    temporaryId: 'tq_abc',
    request: REQUEST,
    price: PRICE,
    requestedAt: T0.toISOString(),
    expiresAt: '2026-03-17T09:00:00.000Z',
  },
};
const confirmed: QuoteEvent = {
  type: 'quote.confirmed',
  data: {
    quoteId: QUOTE_ID,
    temporaryId: 'tq_abc',
    bookingId: BOOKING_ID,
    checkoutSessionId: 'cs_1',
    confirmedAt: T1.toISOString(),
  },
};
const abandoned: QuoteEvent = {
  type: 'quote.checkout_abandoned',
  data: {
    quoteId: QUOTE_ID,
    checkoutSessionId: 'cs_0',
    reason: 'CHECKOUT_EXPIRED',
    detail: '',
    at: T1.toISOString(),
  },
};

const request: QuoteCommand = {
  type: 'RequestQuote',
  data: {
    quoteId: QUOTE_ID,
    temporaryId: 'tq_abc',
    request: REQUEST,
    price: PRICE,
    expiresAt: new Date('2026-03-17T09:00:00.000Z'),
  },
  metadata: { now: T0 },
};
const confirm = (checkoutSessionId: string, bookingId = BOOKING_ID): QuoteCommand => ({
  type: 'ConfirmQuote',
  data: { bookingId, checkoutSessionId },
  metadata: { now: T1 },
});
const abandon = (checkoutSessionId: string): QuoteCommand => ({
  type: 'RecordAbandonedCheckout',
  data: { checkoutSessionId, reason: 'CHECKOUT_EXPIRED', detail: '' },
  metadata: { now: T1 },
});

describe('quote decider', () => {
  runDeciderCases(quoteDecider, [
    { name: 'a new quote is requested', given: [], when: request, thenEvents: [requested] },
    {
      name: 'a quote cannot be requested twice',
      given: [requested],
      when: request,
      thenThrows: 'QUOTE_ALREADY_EXISTS',
    },
    {
      name: 'a paid checkout confirms the quote',
      given: [requested],
      when: confirm('cs_1'),
      thenEvents: [confirmed],
    },
    {
      name: 'a quote can be paid after an abandoned checkout',
      given: [requested, abandoned],
      when: confirm('cs_1'),
      thenEvents: [confirmed],
    },
    {
      name: 'the same checkout confirming again changes nothing',
      given: [requested, confirmed],
      when: confirm('cs_1'),
      thenEvents: [],
    },
    {
      name: 'another checkout cannot confirm a confirmed quote',
      given: [requested, confirmed],
      when: confirm('cs_2', OTHER_BOOKING_ID),
      thenThrows: 'QUOTE_ALREADY_CONFIRMED',
    },
    {
      name: 'an unknown quote cannot be confirmed',
      given: [],
      when: confirm('cs_1'),
      thenThrows: 'QUOTE_NOT_FOUND',
    },
    {
      name: 'an expired checkout is recorded',
      given: [requested],
      when: abandon('cs_0'),
      thenEvents: [abandoned],
    },
    {
      name: 'an expired checkout is recorded once',
      given: [requested, abandoned],
      when: abandon('cs_0'),
      thenEvents: [],
    },
    {
      name: 'a late failure after confirmation is ignored',
      given: [requested, confirmed],
      when: { ...abandon('cs_0'), metadata: { now: T2 } },
      thenEvents: [],
    },
    {
      name: 'a failure for an unknown quote is refused',
      given: [],
      when: abandon('cs_0'),
      thenThrows: 'QUOTE_NOT_FOUND',
    },
  ]);
});
