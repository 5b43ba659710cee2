import { type Kysely, sql } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';
import { ATTRIBUTION_SCHEMA } from './database.ts';

const S = ATTRIBUTION_SCHEMA;

/** Numbered migrations of the attribution tables (the event store migrates its own tables). */
export const attributionMigrations: Record<string, Migration> = {
  '0001_attribution_tables': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before any typed schema exists
    async up(db: Kysely<any>) {
      const schema = db.schema.withSchema(S);
      await schema
        .createTable('professionals')
        .addColumn('professional_id', 'uuid', (c) => c.primaryKey())
        .addColumn('company_name', 'text', (c) => c.notNull())
        .addColumn('contact_name', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('phone', 'text')
        .addColumn('service_types', sql`text[]`, (c) => c.notNull())
        .addColumn('skills', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
        .addColumn('latitude', 'float8', (c) => c.notNull().check(sql`latitude between -90 and 90`))
        .addColumn('longitude', 'float8', (c) => c.notNull().check(sql`longitude between -180 and 180`))
        .addColumn('city', 'text', (c) => c.notNull())
        .addColumn('postcode', 'text', (c) => c.notNull())
        .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
        .addColumn('blacklisted', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('fixture', 'admin')`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      // The bounding-box prefilter: a range on latitude, then longitude, among the professionals who can work.
      await schema
        .createIndex('professionals_available_position')
        .on('professionals')
        .columns(['latitude', 'longitude'])
        .where(sql<boolean>`active and not blacklisted`)
        .execute();
      await schema
        .createTable('directory_state')
        .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
        .addColumn('fixture_version', 'integer', (c) => c.notNull())
        .addColumn('loaded_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await schema
        .createTable('deadlines')
        .addColumn('attribution_id', 'uuid', (c) => c.primaryKey())
        .addColumn('round', 'integer', (c) => c.notNull())
        .addColumn('due_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await schema.createIndex('deadlines_due').on('deadlines').column('due_at').execute();
      await schema
        .createTable('refusals')
        .addColumn('booking_id', 'uuid', (c) => c.notNull())
        .addColumn('professional_id', 'uuid', (c) => c.notNull())
        .addColumn('refused_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('refusals_pk', ['booking_id', 'professional_id'])
        .execute();
      await schema
        .createTable('used_tokens')
        .addColumn('token_id', 'text', (c) => c.primaryKey())
        .addColumn('attribution_id', 'uuid', (c) => c.notNull())
        .addColumn('professional_id', 'uuid', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull().check(sql`action in ('accept', 'refuse')`))
        .addColumn('used_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
    },
  },
};

/**
 * Brings the attribution tables to the latest version. Safe at every start and from several instances at once: a
 * session advisory lock serializes concurrent runs (Kysely's own lock table must exist before it can lock).
 */
// biome-ignore lint/suspicious/noExplicitAny: works before the typed schema exists
export const migrateAttribution = async (db: Kysely<any>): Promise<void> => {
  await db.connection().execute(async (conn) => {
    const key = `attribution-migrate:${S}`;
    await sql`select pg_advisory_lock(hashtextextended(${key}, 0))`.execute(conn);
    try {
      await sql`create schema if not exists ${sql.id(S)}`.execute(conn);
      const migrator = new Migrator({
        db: conn,
        provider: { getMigrations: async () => attributionMigrations },
        migrationTableSchema: S,
        migrationTableName: 'attribution_migration',
        migrationLockTableName: 'attribution_migration_lock',
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) {
        const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
        throw new Error(`attribution migration ${failed} failed`, { cause: error });
      }
    } finally {
      await sql`select pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(conn);
    }
  });
};
