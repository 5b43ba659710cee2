import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: any schema
type AnyDb = Kysely<any>;

/** True when `schema.table` exists (a service not deployed yet, or another database, has none). */
export const tableExists = async (db: AnyDb, schema: string, table: string): Promise<boolean> => {
  const { rows } = await sql<{
    oid: string | null;
  }>`select to_regclass(${`${schema}.${table}`})::text as oid`.execute(db);
  return rows[0]?.oid != null;
};

/** The event store schemas the CLI knows: one per event-sourced service. */
export const EVENT_STORE_SCHEMAS = ['booking', 'attribution'] as const;

/** Schema names as the event store accepts them (plain lowercase identifiers). */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,39}$/;
