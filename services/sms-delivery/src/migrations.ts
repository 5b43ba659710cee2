import { createDeliveriesTable, migrateSchema } from '@express-quote/delivery-kit';
import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/** This service's Postgres schema (service name with '_' for '-'). */
export const SCHEMA = 'sms_delivery';

const migrations: Record<string, Migration> = {
  '0001_deliveries': {
    async up(db) {
      // One row per notification (delivery-kit's deliveries table) with the provider that took it, the
      // segments and encoding of the text, and its cost.
      await createDeliveriesTable(db, SCHEMA, (table) =>
        table
          .addColumn('attempts', 'integer', (c) => c.notNull().check(sql`attempts > 0`))
          .addColumn('provider', 'text')
          .addColumn('provider_message_id', 'text')
          .addColumn('segments', 'integer')
          .addColumn('encoding', 'text')
          .addColumn('cost_micros', 'bigint'),
      );
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
