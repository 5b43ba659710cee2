import type { Generated, Kysely } from 'kysely';

/** The attribution service's Postgres schema: its event store and the tables below live there. */
export const ATTRIBUTION_SCHEMA = 'attribution';

/** The professionals registry, owned by this service (fixture + admin API). */
export interface ProfessionalsTable {
  professional_id: string;
  company_name: string;
  contact_name: string;
  email: string;
  phone: string | null;
  service_types: string[];
  skills: string[];
  latitude: number;
  longitude: number;
  city: string;
  postcode: string;
  active: boolean;
  blacklisted: boolean;
  /** Who wrote the row last: the fixture file or the admin API. */
  source: 'fixture' | 'admin';
  updated_at: Date;
}

/** Which fixture version was loaded (a newer file is applied, an older or equal one ignored). */
export interface DirectoryStateTable {
  id: number;
  fixture_version: number;
  loaded_at: Date;
}

/**
 * The running round of each broadcasting attribution and when it ends; written in the transaction of the events
 * that open, move or close the round, and claimed by the deadline poller with FOR UPDATE SKIP LOCKED.
 */
export interface DeadlinesTable {
  attribution_id: string;
  round: number;
  due_at: Date;
}

/** Who refused which booking, written with the ProfessionalRefused event: the eligibility query excludes them. */
export interface RefusalsTable {
  booking_id: string;
  professional_id: string;
  refused_at: Generated<Date>;
}

/** Link tokens already used (their sha256): a token works once, even if the answer it carried changed nothing. */
export interface UsedTokensTable {
  token_id: string;
  attribution_id: string;
  professional_id: string;
  action: 'accept' | 'refuse';
  used_at: Generated<Date>;
}

export interface AttributionTables {
  professionals: ProfessionalsTable;
  directory_state: DirectoryStateTable;
  deadlines: DeadlinesTable;
  refusals: RefusalsTable;
  used_tokens: UsedTokensTable;
}

/** Typed access to the service's tables, in its schema, from the pool or a transaction. */
// biome-ignore lint/suspicious/noExplicitAny: the pool or a transaction over any typed database
export const attributionTables = (db: Kysely<any>): Kysely<AttributionTables> =>
  (db as Kysely<AttributionTables>).withSchema(ATTRIBUTION_SCHEMA);
