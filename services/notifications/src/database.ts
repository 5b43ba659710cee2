import type { ColumnType, Kysely } from 'kysely';
import { Kysely as KyselyClass, PostgresDialect } from 'kysely';
import pg from 'pg';

/** This service's Postgres schema: the service name with '_' for '-'. */
export const SCHEMA = 'notifications';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
// jsonb: pg parses it on read; we always write JSON text (pg would turn a JS array into a Postgres array).
type Json<T> = ColumnType<T, string, string>;

export interface StaffMembersTable {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  role: string;
  service_types: string[];
  active: boolean;
  /** 'fixture' (from fixtures/staff.json) or 'admin' (PUT /api/staff/:id). */
  source: string;
  updated_at: Timestamp;
}

export interface StaffDirectoryStateTable {
  id: number;
  fixture_version: number;
  loaded_at: Timestamp;
}

/** Every trigger event the planner has planned, with how many messages: a plan is made once, then frozen. */
export interface PlannedTriggersTable {
  event_id: string;
  event_type: string;
  booking_id: string | null;
  planned_count: number;
  planned_at: Timestamp;
}

/** Every DocumentsGenerated seen, keyed like the messages that wait for it ('' for no attribution/professional). */
export interface DocumentSetsTable {
  booking_id: string;
  audience: string;
  attribution_key: string;
  professional_key: string;
  documents: Json<unknown[]>;
  source_event_id: string;
  received_at: Timestamp;
}

/** Planned messages: WAITING (for documents or their deadline), then PUBLISHED once on `notify.*`. */
export interface NotificationOutboxTable {
  notification_id: string;
  booking_id: string | null;
  trigger_event_id: string;
  trigger_type: string;
  correlation_id: string;
  channel: string;
  priority: string;
  template: string;
  recipient: Json<Record<string, unknown>>;
  data: Json<Record<string, unknown>>;
  document_links: Json<unknown[]>;
  awaits_audience: string | null;
  awaits_attribution_key: string | null;
  awaits_professional_key: string | null;
  release_at: Timestamp;
  status: string;
  attachments: Json<unknown[]> | null;
  documents_missing: boolean | null;
  created_at: Timestamp;
  published_at: Timestamp | null;
}

/** Status read model, from `notify.>` commands and `notifications.>` status events. */
export interface NotificationStatusTable {
  notification_id: string;
  booking_id: string | null;
  channel: string | null;
  template: string | null;
  recipient_kind: string | null;
  status: string;
  attempts: number;
  provider: string | null;
  provider_message_id: string | null;
  last_error: string | null;
  retriable: boolean | null;
  requested_at: Timestamp | null;
  sending_at: Timestamp | null;
  sent_at: Timestamp | null;
  failed_at: Timestamp | null;
  delivered_at: Timestamp | null;
  undelivered_at: Timestamp | null;
  updated_at: Timestamp;
  /** The merged facts the row is derived from (see domain/notification-status.ts). */
  facts: Json<Record<string, unknown>>;
}

/** Every confirmed booking as booking.confirmed carried it: what later follow-ups (attribution) need to know. */
export interface BookingSnapshotsTable {
  booking_id: string;
  event_id: string;
  correlation_id: string;
  data: Json<Record<string, unknown>>;
  stored_at: Timestamp;
}

/** Cancelled bookings ('booking') and attributions ('attribution'): their reminders must never fire. */
export interface CancellationsTable {
  scope: string;
  scope_id: string;
  booking_id: string;
  reason: string;
  event_id: string;
  cancelled_at: Timestamp;
  recorded_at: Timestamp;
}

/** The durable reminder scheduler: SCHEDULED until due, then SENT, SKIPPED or CANCELLED (with a reason). */
export interface RemindersTable {
  reminder_id: string;
  booking_id: string;
  attribution_id: string | null;
  reminder_type: string;
  recipient_kind: string;
  recipient_id: string | null;
  /** `{ recipient, messages, followsPreference }` (see domain/reminder.ts). */
  payload: Json<Record<string, unknown>>;
  priority: string;
  due_at: Timestamp;
  useful_until: Timestamp;
  service_starts_at: Timestamp;
  state: string;
  reason: string | null;
  trigger_event_id: string;
  trigger_type: string;
  correlation_id: string;
  /** Ids of the NotificationRequested published when it was sent. */
  notification_ids: Json<string[]> | null;
  created_at: Timestamp;
  settled_at: Timestamp | null;
}

/** Text channel wished by a phone number (SMS by default). */
export interface ChannelPreferencesTable {
  recipient_key: string;
  preference: string;
  updated_at: Timestamp;
}

export interface Database {
  booking_snapshots: BookingSnapshotsTable;
  cancellations: CancellationsTable;
  reminders: RemindersTable;
  channel_preferences: ChannelPreferencesTable;
  staff_members: StaffMembersTable;
  staff_directory_state: StaffDirectoryStateTable;
  planned_triggers: PlannedTriggersTable;
  document_sets: DocumentSetsTable;
  notification_outbox: NotificationOutboxTable;
  notification_status: NotificationStatusTable;
}

export type NotificationsDb = Kysely<Database>;

export interface OpenedDatabase {
  /** Bound to the `notifications` schema. */
  db: NotificationsDb;
  /** Unbound (migrations, destroy). */
  // biome-ignore lint/suspicious/noExplicitAny: the root handle is schema-agnostic
  root: Kysely<any>;
}

export const openDatabase = (connectionString: string, poolMax: number): OpenedDatabase => {
  const root = new KyselyClass<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString, max: poolMax }) }),
  });
  return { root, db: root.withSchema(SCHEMA) };
};
