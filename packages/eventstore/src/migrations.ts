import { type Kysely, sql } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';
import { assertSchemaName } from './schema.ts';

// Own table names, so a service can run its own Kysely migrations in the same schema without the two
// migrators reading each other's history.
const MIGRATION_TABLE = 'eventstore_migration';
const MIGRATION_LOCK_TABLE = 'eventstore_migration_lock';

/** Numbered migrations of the event store tables, applied inside one service's schema. */
export const eventStoreMigrations = (schema: string): Record<string, Migration> => ({
  '0001_event_store': {
    async up(db) {
      const s = db.schema.withSchema(schema);
      await s
        .createTable('streams')
        .addColumn('stream_id', 'text', (c) => c.primaryKey())
        .addColumn('stream_type', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 0`))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await s
        .createTable('events')
        .addColumn('global_position', 'bigserial', (c) => c.primaryKey())
        // Gap-safe order (DESIGN.md): readers only take rows whose writing transaction is older than every
        // transaction still running, ordered by (transaction_id, global_position).
        .addColumn('transaction_id', sql`xid8`, (c) => c.notNull().defaultTo(sql`pg_current_xact_id()`))
        .addColumn('event_id', 'uuid', (c) => c.notNull())
        .addColumn('stream_id', 'text', (c) => c.notNull().references(`${schema}.streams.stream_id`))
        .addColumn('stream_version', 'integer', (c) => c.notNull().check(sql`stream_version > 0`))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('data', 'jsonb', (c) => c.notNull())
        .addColumn('metadata', 'jsonb', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addUniqueConstraint('events_event_id_unique', ['event_id'])
        .addUniqueConstraint('events_stream_version_unique', ['stream_id', 'stream_version'])
        .execute();
      await s
        .createIndex('events_transaction_position_idx')
        .on('events')
        .columns(['transaction_id', 'global_position'])
        .execute();
      await s
        .createTable('checkpoints')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('transaction_id', sql`xid8`, (c) => c.notNull())
        .addColumn('global_position', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
    },
  },
});

/**
 * Creates or upgrades the event store in `schema` (one schema per service, e.g. `booking`). Safe to run at every
 * start, from several instances at once: a session advisory lock per schema serializes them.
 */
// biome-ignore lint/suspicious/noExplicitAny: works with any service's typed Kysely
export const migrateEventStore = async (db: Kysely<any>, schema: string): Promise<void> => {
  assertSchemaName(schema);
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtextextended(${`eventstore-migrate:${schema}`}, 0))`.execute(conn);
    try {
      await sql`create schema if not exists ${sql.id(schema)}`.execute(conn);
      const migrator = new Migrator({
        db: conn,
        provider: { getMigrations: async () => eventStoreMigrations(schema) },
        migrationTableSchema: schema,
        migrationTableName: MIGRATION_TABLE,
        migrationLockTableName: MIGRATION_LOCK_TABLE,
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) {
        const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
        throw new Error(`event store migration ${failed} failed in schema ${schema}`, { cause: error });
      }
    } finally {
      await sql`select pg_advisory_unlock(hashtextextended(${`eventstore-migrate:${schema}`}, 0))`.execute(
        conn,
      );
    }
  });
};
