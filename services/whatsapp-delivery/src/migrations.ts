import { createDeliveriesTable, migrateSchema } from '@express-quote/delivery-kit';
import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/** This service's Postgres schema (service name with '_' for '-'). */
export const SCHEMA = 'whatsapp_delivery';

const migrations: Record<string, Migration> = {
  '0001_deliveries': {
    async up(db) {
      // One row per notification (delivery-kit's deliveries table). `fallback` keeps the approved template message
      // for a free-form text that Meta may still refuse later (131047 in a status webhook).
      await createDeliveriesTable(db, SCHEMA, (table) =>
        table
          .addColumn('wa_id', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().check(sql`attempts > 0`))
          .addColumn('message_kind', 'text', (c) => c.check(sql`message_kind in ('text', 'template')`))
          .addColumn('provider_message_id', 'text')
          .addColumn('fallback', 'jsonb')
          .addColumn('fallback_claimed_at', 'timestamptz')
          .addColumn('cost_micros', 'bigint')
          .addColumn('pricing_category', 'text'),
      );
      // Each API call of a notification (main message, each document): a redelivery resends only what is missing.
      await db.schema
        .withSchema(SCHEMA)
        .createTable('message_parts')
        .addColumn('notification_id', 'uuid', (c) => c.notNull())
        .addColumn('part', 'text', (c) => c.notNull())
        .addColumn('wamid', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('message_parts_pk', ['notification_id', 'part'])
        .execute();
      // A PDF sent to several recipients is uploaded once (Meta keeps media 30 days).
      await db.schema
        .withSchema(SCHEMA)
        .createTable('media_uploads')
        .addColumn('sha256', 'text', (c) => c.primaryKey())
        .addColumn('media_id', 'text', (c) => c.notNull())
        .addColumn('uploaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
    },
  },
};

/** Creates or upgrades the schema; safe at every start and from several instances at once. */
// biome-ignore lint/suspicious/noExplicitAny: runs before the typed database is used
export const migrateWhatsAppDelivery = (db: Kysely<any>): Promise<void> =>
  migrateSchema(db, SCHEMA, migrations);
