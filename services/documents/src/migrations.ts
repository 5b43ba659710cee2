import { type Generated, type Kysely, sql } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';

/** The documents service's own Postgres schema (service name, '_' for '-'). */
export const DOCUMENTS_SCHEMA = 'documents';

/** Typed view of the schema's tables (STYLE.md: typed SQL). */
export interface DocumentsDatabase {
  'documents.invoice_counters': { year: number; last_number: number };
  'documents.invoices': {
    booking_id: string;
    year: number;
    sequence: number;
    invoice_number: string;
    source_event_id: string;
    issued_at: Date | string;
    created_at: Generated<Date>;
  };
}

export const documentsMigrations = (schema: string): Record<string, Migration> => ({
  '0001_invoices': {
    async up(db) {
      const s = db.schema.withSchema(schema);
      // One row per year; allocating a number locks it until the transaction ends, so numbers are handed out one
      // at a time and a rolled-back allocation leaves no gap.
      await s
        .createTable('invoice_counters')
        .addColumn('year', 'integer', (c) => c.primaryKey())
        .addColumn('last_number', 'integer', (c) => c.notNull().check(sql`last_number >= 0`))
        .execute();
      await s
        .createTable('invoices')
        .addColumn('booking_id', 'uuid', (c) => c.primaryKey())
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('sequence', 'integer', (c) => c.notNull().check(sql`sequence > 0`))
        .addColumn('invoice_number', 'text', (c) => c.notNull().unique())
        .addColumn('source_event_id', 'text', (c) => c.notNull())
        .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addUniqueConstraint('invoices_year_sequence_unique', ['year', 'sequence'])
        .execute();
    },
  },
});

/**
 * Creates or upgrades the schema. Safe at every start and from several instances at once: a session advisory
 * lock serializes them (CREATE SCHEMA IF NOT EXISTS alone races).
 */
// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema
export const migrateDocuments = async (db: Kysely<any>, schema = DOCUMENTS_SCHEMA): Promise<void> => {
  const lock = `documents-migrate:${schema}`;
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtextextended(${lock}, 0))`.execute(conn);
    try {
      await sql`create schema if not exists ${sql.id(schema)}`.execute(conn);
      const migrator = new Migrator({
        db: conn,
        provider: { getMigrations: async () => documentsMigrations(schema) },
        migrationTableSchema: schema,
        migrationTableName: 'documents_migration',
        migrationLockTableName: 'documents_migration_lock',
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) {
        const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
        throw new Error(`documents migration ${failed} failed in schema ${schema}`, { cause: error });
      }
    } finally {
      await sql`select pg_advisory_unlock(hashtextextended(${lock}, 0))`.execute(conn);
    }
  });
};
