import { randomBytes } from 'node:crypto';
import type { EventStore } from '@express-quote/eventstore';
import { foldEvents, handleCommand } from '@express-quote/eventstore';
import { type HttpApp, HttpError } from '@express-quote/service-kit';
import { z } from 'zod';
import { computePrice } from '../domain/pricing.ts';
import type { PricingRates } from '../domain/pricing-rates.ts';
import { type QuoteCommand, type QuoteEvent, type QuoteState, quoteDecider } from '../domain/quote.ts';
import { normaliseQuoteRequest, QuoteRequestInput, type QuoteRules } from '../domain/quote-request.ts';
import { toEnvelopes } from '../event-envelopes.ts';
import { quoteIdOf, quoteStream } from '../streams.ts';

export interface QuotesRouteDeps {
  readonly store: EventStore;
  readonly rates: PricingRates;
  readonly rules: QuoteRules;
  readonly quoteValidityMs: number;
  readonly clock: () => Date;
}

/** 128 random bits: the temporaryId is the customer's only key to the quote (`/booking/<temporaryId>`). */
export const newTemporaryId = (): string => `tq_${randomBytes(16).toString('base64url')}`;

const TemporaryIdParams = z.object({ temporaryId: z.string().min(1).max(200) });

/** `POST /api/quotes` (priced quote request, stored as `quote.requested`) and `GET /api/quotes/:temporaryId`. */
export const quotesRoutes = (deps: QuotesRouteDeps) => async (app: HttpApp) => {
  app.post('/api/quotes', { schema: { body: QuoteRequestInput } }, async (request, reply) => {
    const now = deps.clock();
    const normalised = normaliseQuoteRequest(request.body, now, deps.rules);
    if (!normalised.ok)
      throw new HttpError(400, 'bad_request', 'demande de devis invalide', normalised.issues);
    const { details } = normalised;
    const { price } = computePrice(details, deps.rates);
    const temporaryId = newTemporaryId();
    const quoteId = quoteIdOf(temporaryId);
    const expiresAt = new Date(
      Math.min(now.getTime() + deps.quoteValidityMs, Date.parse(details.schedule.startsAt)),
    );
    const streamId = quoteStream(quoteId);
    await handleCommand<QuoteCommand, QuoteEvent, QuoteState>({
      store: deps.store,
      streamId,
      decider: quoteDecider,
      command: {
        type: 'RequestQuote',
        data: { quoteId, temporaryId, request: details, price, expiresAt },
        metadata: { now },
      },
      // A quote starts its own correlation chain; the Stripe checkout that pays it starts another.
      toEnvelopes: (events) =>
        toEnvelopes(events, { cause: { externalId: `quote-${quoteId}` }, streamId, now }),
      maxRetries: 0,
    });
    request.log.info(
      { quoteId, serviceType: details.serviceType, totalCents: price.totalCents },
      'quote requested',
    );
    return reply.code(201).send({ temporaryId, quoteId, price, expiresAt: expiresAt.toISOString() });
  });

  app.get('/api/quotes/:temporaryId', { schema: { params: TemporaryIdParams } }, async (request) => {
    const { temporaryId } = request.params;
    const history = await deps.store.readStream(quoteStream(quoteIdOf(temporaryId)));
    const quote = foldEvents(quoteDecider, history as unknown as QuoteEvent[]);
    if (quote.status === 'NONE') throw new HttpError(404, 'not_found', 'devis introuvable');
    return {
      temporaryId: quote.temporaryId,
      quoteId: quote.quoteId,
      status: quote.status,
      request: quote.request,
      price: quote.price,
      requestedAt: quote.requestedAt,
      expiresAt: quote.expiresAt,
      expired: quote.status === 'REQUESTED' && Date.parse(quote.expiresAt) <= deps.clock().getTime(),
      bookingId: quote.confirmation?.bookingId ?? null,
      confirmedAt: quote.confirmation?.confirmedAt ?? null,
    };
  });
};
