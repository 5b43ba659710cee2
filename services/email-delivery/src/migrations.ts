import { migrateSchema } from '@express-quote/delivery-kit';
import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

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

/** Creates or upgrades the schema; safe at every start and from several instances at once. */
// biome-ignore lint/suspicious/noExplicitAny: runs before the typed database is used
export const migrateEmailDelivery = (db: Kysely<any>): Promise<void> => migrateSchema(db, SCHEMA, migrations);
