import { type Kysely, sql } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';

/** This service's Postgres schema (service name with '_' for '-'). */
export const SCHEMA = 'email_delivery';

const migrations: Record<string, Migration> = {
  '0001_deliveries': {
    async up(db) {
      // One row per notification that reached an end: SENT (written right after the SMTP server accepted it,
      // checked before every send) or FAILED (kept for people; a redriven FAILED message is tried again).
      await db.schema
        .withSchema(SCHEMA)
        .createTable('deliveries')
        .addColumn('notification_id', 'uuid', (c) => c.primaryKey())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('SENT', 'FAILED')`))
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('provider_response', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().check(sql`attempts > 0`))
        .addColumn('sent_at', 'timestamptz')
        .addColumn('failure_reason', 'text')
        .addColumn('correlation_id', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
    },
  },
};

/**
 * Creates or upgrades the schema. Safe at every start and from several instances at once: an advisory lock
 * serializes them (Kysely's own lock needs its lock table, which `create schema` races would not have yet).
 */
// biome-ignore lint/suspicious/noExplicitAny: runs before the typed database is used
export const migrateEmailDelivery = async (db: Kysely<any>): Promise<void> => {
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtextextended(${`migrate:${SCHEMA}`}, 0))`.execute(conn);
    try {
      await sql`create schema if not exists ${sql.id(SCHEMA)}`.execute(conn);
      const migrator = new Migrator({
        db: conn,
        provider: { getMigrations: async () => migrations },
        migrationTableSchema: SCHEMA,
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) {
        const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
        throw new Error(`email_delivery migration ${failed} failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
    } finally {
      await sql`select pg_advisory_unlock(hashtextextended(${`migrate:${SCHEMA}`}, 0))`.execute(conn);
    }
  });
};
