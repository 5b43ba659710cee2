import type { EventStore } from '@express-quote/eventstore';
import type { Kysely } from 'kysely';
import type { ResponseTimeouts } from '../domain/business-time.ts';
import type { LinkSigner } from '../domain/link-token.ts';
import type { Locator } from '../geocoding/locator.ts';

/** The attribution rules that come from configuration. */
export interface AttributionPolicy {
  /** Seed 4.2: 150 km. */
  radiusKm: number;
  /** The second and last round, when nobody accepted in time. */
  rebroadcastRadiusKm: number;
  maxProposalsPerRound: number;
  timeouts: ResponseTimeouts;
  /** Base of the links in the e-mails, e.g. https://pro.express-quote.fr. */
  publicBaseUrl: string;
}

/** What the handlers need; the clock is here, never inside the domain. */
export interface AttributionDeps {
  // biome-ignore lint/suspicious/noExplicitAny: the pool; typed access goes through attributionTables()
  readonly db: Kysely<any>;
  readonly store: EventStore;
  readonly locator: Locator;
  readonly signer: LinkSigner;
  readonly policy: AttributionPolicy;
  readonly clock: () => Date;
}
