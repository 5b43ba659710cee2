import { type Kysely, sql } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';
import { BOOKING_SCHEMA } from './database.ts';

const S = BOOKING_SCHEMA;

/** Numbered migrations of the booking service's own tables (the event store migrates its tables itself). */
export const bookingMigrations: Record<string, Migration> = {
  '0001_booking_tables': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before any typed schema exists
    async up(db: Kysely<any>) {
      const schema = db.schema.withSchema(S);
      await schema
        .createTable('checkout_sessions')
        .addColumn('checkout_session_id', 'text', (c) => c.primaryKey())
        .addColumn('payment_event_id', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('BOOKED', 'NEEDS_ATTENTION')`))
        .addColumn('booking_id', 'uuid')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await schema
        .createTable('customers_by_email')
        .addColumn('email', 'text', (c) => c.primaryKey().check(sql`email = lower(email)`))
        .addColumn('customer_id', 'uuid', (c) => c.notNull().unique())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await schema
        .createTable('reference_counters')
        .addColumn('year', 'integer', (c) => c.primaryKey())
        .addColumn('last_value', 'integer', (c) => c.notNull().check(sql`last_value between 1 and 999999`))
        .execute();
      await schema
        .createTable('bookings_by_payment_intent')
        .addColumn('payment_intent_id', 'text', (c) => c.primaryKey())
        .addColumn('booking_id', 'uuid', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await schema
        .createTable('pending_refunds')
        .addColumn('stripe_event_id', 'text', (c) => c.primaryKey())
        .addColumn('payment_intent_id', 'text', (c) => c.notNull())
        .addColumn('event', 'jsonb', (c) => c.notNull())
        .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('applied_at', 'timestamptz')
        .addColumn('booking_id', 'uuid')
        .execute();
      await schema
        .createIndex('pending_refunds_waiting')
        .on('pending_refunds')
        .column('payment_intent_id')
        .where(sql.ref('applied_at'), 'is', null)
        .execute();
      await schema
        .createTable('bookings_view')
        .addColumn('booking_id', 'uuid', (c) => c.primaryKey())
        .addColumn('reference', 'text', (c) => c.notNull().unique())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('last_version', 'integer', (c) => c.notNull())
        .addColumn('view', 'jsonb', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
    },
  },
};

/**
 * Brings the booking tables to the latest version. Safe at every start and from several instances at once: a
 * session advisory lock serializes concurrent runs (Kysely's own lock table must exist before it can lock).
 */
// biome-ignore lint/suspicious/noExplicitAny: works before the typed schema exists
export const migrateBooking = async (db: Kysely<any>): Promise<void> => {
  await db.connection().execute(async (conn) => {
    const key = `booking-migrate:${S}`;
    await sql`select pg_advisory_lock(hashtextextended(${key}, 0))`.execute(conn);
    try {
      await sql`create schema if not exists ${sql.id(S)}`.execute(conn);
      const migrator = new Migrator({
        db: conn,
        provider: { getMigrations: async () => bookingMigrations },
        migrationTableSchema: S,
        migrationTableName: 'booking_migration',
        migrationLockTableName: 'booking_migration_lock',
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) {
        const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
        throw new Error(`booking migration ${failed} failed`, { cause: error });
      }
    } finally {
      await sql`select pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(conn);
    }
  });
};
