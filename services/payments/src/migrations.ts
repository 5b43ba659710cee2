import { type Kysely, sql } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';
import { PAYMENTS_SCHEMA } from './database.ts';

const schema = PAYMENTS_SCHEMA;

/** Numbered migrations of the gateway's schema. Append new ones; never edit an applied one. */
export const paymentsMigrations: Record<string, Migration> = {
  '0001_stripe_events': {
    async up(db) {
      await db.schema
        .withSchema(schema)
        .createTable('stripe_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('livemode', 'boolean', (c) => c.notNull())
        .addColumn('payload', 'jsonb', (c) => c.notNull())
        .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
        .addColumn('published_at', 'timestamptz')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('envelope', 'jsonb')
        .execute();
      // What the relay scans: small, since rows leave it as soon as they are published.
      await db.schema
        .withSchema(schema)
        .createIndex('stripe_events_unpublished_idx')
        .on('stripe_events')
        .columns(['received_at', 'id'])
        .where(sql.ref('published_at'), 'is', null)
        .where(sql.ref('envelope'), 'is not', null)
        .execute();
    },
  },
};

/**
 * Creates or upgrades the `payments` schema. Safe at every start and from several instances at once: a session
 * advisory lock serializes them (Kysely's own lock table cannot exist before the schema does).
 */
// biome-ignore lint/suspicious/noExplicitAny: runs before the typed tables exist
export const migratePayments = async (db: Kysely<any>): Promise<void> => {
  await db.connection().execute(async (conn) => {
    const lock = `payments-migrate:${schema}`;
    await sql`select pg_advisory_lock(hashtextextended(${lock}, 0))`.execute(conn);
    try {
      await sql`create schema if not exists ${sql.id(schema)}`.execute(conn);
      const migrator = new Migrator({
        db: conn,
        provider: { getMigrations: async () => paymentsMigrations },
        migrationTableSchema: schema,
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) {
        const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
        throw new Error(`payments migration ${failed} failed`, { cause: error });
      }
    } finally {
      await sql`select pg_advisory_unlock(hashtextextended(${lock}, 0))`.execute(conn);
    }
  });
};
