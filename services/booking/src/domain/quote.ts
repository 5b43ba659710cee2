import type {
  DataOf,
  Price,
  QuoteCheckoutAbandoned,
  QuoteConfirmed,
  QuoteRequestDetails,
  QuoteRequested,
} from '@express-quote/contracts';
import type { Decider } from '@express-quote/eventstore';
import { DomainError } from './errors.ts';

export type QuoteEvent =
  | { type: 'quote.requested'; data: DataOf<typeof QuoteRequested> }
  | { type: 'quote.confirmed'; data: DataOf<typeof QuoteConfirmed> }
  | { type: 'quote.checkout_abandoned'; data: DataOf<typeof QuoteCheckoutAbandoned> };

export type QuoteState =
  | { status: 'NONE' }
  | {
      status: 'REQUESTED' | 'CONFIRMED';
      quoteId: string;
      temporaryId: string;
      request: QuoteRequestDetails;
      price: Price;
      requestedAt: string;
      expiresAt: string;
      confirmation: { bookingId: string; checkoutSessionId: string; confirmedAt: string } | null;
      abandonedCheckouts: readonly string[];
    };

export type QuoteCommand =
  | {
      type: 'RequestQuote';
      data: {
        quoteId: string;
        temporaryId: string;
        request: QuoteRequestDetails;
        price: Price;
        expiresAt: Date;
      };
      metadata: { now: Date };
    }
  | {
      type: 'ConfirmQuote';
      data: { bookingId: string; checkoutSessionId: string };
      metadata: { now: Date };
    }
  | {
      type: 'RecordAbandonedCheckout';
      data: { checkoutSessionId: string; reason: 'PAYMENT_FAILED' | 'CHECKOUT_EXPIRED'; detail: string };
      metadata: { now: Date };
    };

export type QuoteErrorCode = 'QUOTE_ALREADY_EXISTS' | 'QUOTE_NOT_FOUND' | 'QUOTE_ALREADY_CONFIRMED';

export const initialQuoteState = (): QuoteState => ({ status: 'NONE' });

export const evolveQuote = (state: QuoteState, event: QuoteEvent): QuoteState => {
  switch (event.type) {
    case 'quote.requested':
      return {
        status: 'REQUESTED',
        quoteId: event.data.quoteId,
        temporaryId: event.data.temporaryId,
        request: event.data.request,
        price: event.data.price,
        requestedAt: event.data.requestedAt,
        expiresAt: event.data.expiresAt,
        confirmation: null,
        abandonedCheckouts: [],
      };
    case 'quote.confirmed':
      if (state.status === 'NONE') return state;
      return {
        ...state,
        status: 'CONFIRMED',
        confirmation: {
          bookingId: event.data.bookingId,
          checkoutSessionId: event.data.checkoutSessionId,
          confirmedAt: event.data.confirmedAt,
        },
      };
    case 'quote.checkout_abandoned':
      if (state.status === 'NONE') return state;
      return { ...state, abandonedCheckouts: [...state.abandonedCheckouts, event.data.checkoutSessionId] };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};

export const decideQuote = (command: QuoteCommand, state: QuoteState): QuoteEvent[] => {
  const now = command.metadata.now.toISOString();
  switch (command.type) {
    case 'RequestQuote': {
      if (state.status !== 'NONE') {
        throw new DomainError<QuoteErrorCode>(
          'QUOTE_ALREADY_EXISTS',
          `quote ${state.quoteId} already exists`,
        );
      }
      const { quoteId, temporaryId, request, price, expiresAt } = command.data;
      return [
        {
          type: 'quote.requested',
          data: {
            quoteId,
            temporaryId,
            request,
            price,
            requestedAt: now,
            expiresAt: expiresAt.toISOString(),
          },
        },
      ];
    }
    case 'ConfirmQuote': {
      if (state.status === 'NONE') throw new DomainError<QuoteErrorCode>('QUOTE_NOT_FOUND', 'no such quote');
      const { bookingId, checkoutSessionId } = command.data;
      if (state.confirmation) {
        // The same checkout confirming again is a replay, not a conflict.
        if (state.confirmation.checkoutSessionId === checkoutSessionId) return [];
        throw new DomainError<QuoteErrorCode>(
          'QUOTE_ALREADY_CONFIRMED',
          `quote ${state.quoteId} was already confirmed by checkout ${state.confirmation.checkoutSessionId}`,
        );
      }
      return [
        {
          type: 'quote.confirmed',
          data: {
            quoteId: state.quoteId,
            temporaryId: state.temporaryId,
            bookingId,
            checkoutSessionId,
            confirmedAt: now,
          },
        },
      ];
    }
    case 'RecordAbandonedCheckout': {
      if (state.status === 'NONE') throw new DomainError<QuoteErrorCode>('QUOTE_NOT_FOUND', 'no such quote');
      const { checkoutSessionId, reason, detail } = command.data;
      // A late failure of a checkout that is not the one that paid changes nothing once the quote is confirmed.
      if (state.status === 'CONFIRMED' || state.abandonedCheckouts.includes(checkoutSessionId)) return [];
      return [
        {
          type: 'quote.checkout_abandoned',
          data: { quoteId: state.quoteId, checkoutSessionId, reason, detail, at: now },
        },
      ];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
};

export const quoteDecider: Decider<QuoteCommand, QuoteEvent, QuoteState> = {
  initialState: initialQuoteState,
  evolve: evolveQuote,
  decide: decideQuote,
};
