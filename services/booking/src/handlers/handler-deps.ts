import type { EventStore } from '@express-quote/eventstore';
import type { Kysely } from 'kysely';
import type { PricingRates } from '../domain/pricing-rates.ts';

/** What the message handlers need; the clock is here, never inside the domain. */
export interface HandlerDeps {
  // biome-ignore lint/suspicious/noExplicitAny: the pool; typed access goes through bookingTables()
  readonly db: Kysely<any>;
  readonly store: EventStore;
  readonly rates: PricingRates;
  readonly urgentWithinMs: number;
  readonly clock: () => Date;
}
