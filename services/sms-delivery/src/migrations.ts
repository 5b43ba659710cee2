import { migrateSchema } from '@express-quote/delivery-kit';
import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/** This service's Postgres schema (service name with '_' for '-'). */
export const SCHEMA = 'sms_delivery';

const migrations: Record<string, Migration> = {
  '0001_deliveries': {
    async up(db) {
      // One row per notification. SENDING is written before the first provider call so that a delivery callback
      // racing our own record still finds the notification; SENT right after a provider accepted the SMS (checked
      // before every send: a redelivered command is never sent twice); FAILED when given up (a redrive tries again).
      await db.schema
        .withSchema(SCHEMA)
        .createTable('deliveries')
        .addColumn('notification_id', 'uuid', (c) => c.primaryKey())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('SENDING', 'SENT', 'FAILED')`))
        .addColumn('command_event_id', 'text', (c) => c.notNull())
        .addColumn('correlation_id', 'text', (c) => c.notNull())
        .addColumn('booking_id', 'uuid')
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().check(sql`attempts > 0`))
        .addColumn('provider', 'text')
        .addColumn('provider_message_id', 'text')
        .addColumn('segments', 'integer')
        .addColumn('encoding', 'text')
        .addColumn('cost_micros', 'bigint')
        .addColumn('sent_at', 'timestamptz')
        .addColumn('failure_reason', 'text')
        .addColumn('delivery_status', 'text')
        .addColumn('delivery_updated_at', 'timestamptz')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .withSchema(SCHEMA)
        .createIndex('deliveries_provider_message')
        .on('deliveries')
        .columns(['provider', 'provider_message_id'])
        .unique()
        .where(sql.ref('provider_message_id'), 'is not', null)
        .execute();
    },
  },
};

/** Creates or upgrades the schema; safe at every start and from several instances at once. */
// biome-ignore lint/suspicious/noExplicitAny: runs before the typed database is used
export const migrateSmsDelivery = (db: Kysely<any>): Promise<void> => migrateSchema(db, SCHEMA, migrations);
