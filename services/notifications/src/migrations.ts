import { type Kysely, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import { SCHEMA } from './database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations work below the typed layer
type AnyDb = Kysely<any>;

const m001_initial: Migration = {
  async up(db: AnyDb) {
    const s = db.schema.withSchema(SCHEMA);
    await s
      .createTable('staff_members')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('phone', 'text')
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('service_types', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
      .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();

    await s
      .createTable('staff_directory_state')
      .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
      .addColumn('fixture_version', 'integer', (c) => c.notNull())
      .addColumn('loaded_at', 'timestamptz', (c) => c.notNull())
      .execute();

    await s
      .createTable('planned_triggers')
      .addColumn('event_id', 'text', (c) => c.primaryKey())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('booking_id', 'uuid')
      .addColumn('planned_count', 'integer', (c) => c.notNull())
      .addColumn('planned_at', 'timestamptz', (c) => c.notNull())
      .execute();

    await s
      .createTable('document_sets')
      .addColumn('booking_id', 'uuid', (c) => c.notNull())
      .addColumn('audience', 'text', (c) => c.notNull())
      .addColumn('attribution_key', 'text', (c) => c.notNull())
      .addColumn('professional_key', 'text', (c) => c.notNull())
      .addColumn('documents', 'jsonb', (c) => c.notNull())
      .addColumn('source_event_id', 'text', (c) => c.notNull())
      .addColumn('received_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('document_sets_pk', [
        'booking_id',
        'audience',
        'attribution_key',
        'professional_key',
      ])
      .execute();

    await s
      .createTable('notification_outbox')
      .addColumn('notification_id', 'uuid', (c) => c.primaryKey())
      .addColumn('booking_id', 'uuid')
      .addColumn('trigger_event_id', 'text', (c) => c.notNull())
      .addColumn('trigger_type', 'text', (c) => c.notNull())
      .addColumn('correlation_id', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('priority', 'text', (c) => c.notNull())
      .addColumn('template', 'text', (c) => c.notNull())
      .addColumn('recipient', 'jsonb', (c) => c.notNull())
      .addColumn('data', 'jsonb', (c) => c.notNull())
      .addColumn('document_links', 'jsonb', (c) => c.notNull())
      .addColumn('awaits_audience', 'text')
      .addColumn('awaits_attribution_key', 'text')
      .addColumn('awaits_professional_key', 'text')
      .addColumn('release_at', 'timestamptz', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('WAITING', 'PUBLISHED')`))
      .addColumn('attachments', 'jsonb')
      .addColumn('documents_missing', 'boolean')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('published_at', 'timestamptz')
      .execute();
    // The release poller's scan: only waiting rows, by deadline.
    await s
      .createIndex('notification_outbox_waiting')
      .on('notification_outbox')
      .columns(['release_at'])
      .where(sql.ref('status'), '=', 'WAITING')
      .execute();
    await s
      .createIndex('notification_outbox_booking')
      .on('notification_outbox')
      .column('booking_id')
      .execute();
    await s
      .createIndex('notification_outbox_trigger')
      .on('notification_outbox')
      .column('trigger_event_id')
      .execute();

    await s
      .createTable('notification_status')
      .addColumn('notification_id', 'uuid', (c) => c.primaryKey())
      .addColumn('booking_id', 'uuid')
      .addColumn('channel', 'text')
      .addColumn('template', 'text')
      .addColumn('recipient_kind', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('provider', 'text')
      .addColumn('provider_message_id', 'text')
      .addColumn('last_error', 'text')
      .addColumn('retriable', 'boolean')
      .addColumn('requested_at', 'timestamptz')
      .addColumn('sending_at', 'timestamptz')
      .addColumn('sent_at', 'timestamptz')
      .addColumn('failed_at', 'timestamptz')
      .addColumn('delivered_at', 'timestamptz')
      .addColumn('undelivered_at', 'timestamptz')
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .addColumn('facts', 'jsonb', (c) => c.notNull())
      .execute();
    await s
      .createIndex('notification_status_booking')
      .on('notification_status')
      .column('booking_id')
      .execute();
    await s.createIndex('notification_status_status').on('notification_status').column('status').execute();
  },
};

const m002_reminders_and_preferences: Migration = {
  async up(db: AnyDb) {
    const s = db.schema.withSchema(SCHEMA);
    await s
      .createTable('booking_snapshots')
      .addColumn('booking_id', 'uuid', (c) => c.primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('correlation_id', 'text', (c) => c.notNull())
      .addColumn('data', 'jsonb', (c) => c.notNull())
      .addColumn('stored_at', 'timestamptz', (c) => c.notNull())
      .execute();

    await s
      .createTable('cancellations')
      .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('booking', 'attribution')`))
      .addColumn('scope_id', 'uuid', (c) => c.notNull())
      .addColumn('booking_id', 'uuid', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('cancelled_at', 'timestamptz', (c) => c.notNull())
      .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('cancellations_pk', ['scope', 'scope_id'])
      .execute();

    await s
      .createTable('reminders')
      .addColumn('reminder_id', 'uuid', (c) => c.primaryKey())
      .addColumn('booking_id', 'uuid', (c) => c.notNull())
      .addColumn('attribution_id', 'uuid')
      .addColumn('reminder_type', 'text', (c) => c.notNull())
      .addColumn('recipient_kind', 'text', (c) => c.notNull())
      .addColumn('recipient_id', 'text')
      .addColumn('payload', 'jsonb', (c) => c.notNull())
      .addColumn('priority', 'text', (c) => c.notNull())
      .addColumn('due_at', 'timestamptz', (c) => c.notNull())
      .addColumn('useful_until', 'timestamptz', (c) => c.notNull())
      .addColumn('service_starts_at', 'timestamptz', (c) => c.notNull())
      .addColumn('state', 'text', (c) =>
        c.notNull().check(sql`state in ('SCHEDULED', 'SENT', 'SKIPPED', 'CANCELLED')`),
      )
      .addColumn('reason', 'text')
      .addColumn('trigger_event_id', 'text', (c) => c.notNull())
      .addColumn('trigger_type', 'text', (c) => c.notNull())
      .addColumn('correlation_id', 'text', (c) => c.notNull())
      .addColumn('notification_ids', 'jsonb')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('settled_at', 'timestamptz')
      .execute();
    // The scheduler's scan: only scheduled rows, by due time.
    await s
      .createIndex('reminders_scheduled')
      .on('reminders')
      .columns(['due_at'])
      .where(sql.ref('state'), '=', 'SCHEDULED')
      .execute();
    await s.createIndex('reminders_booking').on('reminders').column('booking_id').execute();
    await s.createIndex('reminders_attribution').on('reminders').column('attribution_id').execute();

    await s
      .createTable('channel_preferences')
      .addColumn('recipient_key', 'text', (c) => c.primaryKey())
      .addColumn('preference', 'text', (c) =>
        c.notNull().check(sql`preference in ('SMS', 'WHATSAPP', 'BOTH')`),
      )
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .execute();
  },
};

const MIGRATIONS: Record<string, Migration> = {
  '001_initial': m001_initial,
  '002_reminders_and_preferences': m002_reminders_and_preferences,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

// Two instances starting together must not both run CREATE SCHEMA / migrations.
const MIGRATION_LOCK = 0x6e6f7469; // "noti"

/** Creates the schema and runs pending migrations; idempotent and safe under concurrent starts. */
export const migrateNotifications = async (root: AnyDb): Promise<void> => {
  await root.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    try {
      await sql`create schema if not exists ${sql.id(SCHEMA)}`.execute(conn);
      const migrator = new Migrator({
        db: conn,
        provider,
        migrationTableSchema: SCHEMA,
      });
      const { error, results } = await migrator.migrateToLatest();
      const failed = results?.find((r) => r.status === 'Error');
      if (error || failed) {
        throw new Error(
          `notifications migrations failed${failed ? ` at ${failed.migrationName}` : ''}: ${String(error)}`,
          { cause: error },
        );
      }
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
    }
  });
};
