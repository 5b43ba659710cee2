import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DocumentsDatabase } from './migrations.ts';

export const createDatabase = (options: { url: string; poolMax: number }): Kysely<DocumentsDatabase> =>
  new Kysely<DocumentsDatabase>({
    dialect: new PostgresDialect({
      pool: new pg.Pool({
        connectionString: options.url,
        max: options.poolMax,
        // A transaction left open by a stuck process would hold the year's invoice counter lock.
        idle_in_transaction_session_timeout: 30_000,
        application_name: 'documents',
      }),
    }),
  });
