import type { EventOf, NotificationRequested } from '@express-quote/contracts';
import { type CreateTableBuilder, type Generated, type Kysely, type Selectable, sql } from 'kysely';

/**
 * The columns every channel with delivery reports (SMS, WhatsApp) keeps per notification in
 * `<schema>.deliveries`: SENDING before the first provider call (a callback racing our own record still finds
 * it), SENT once the provider accepted the message (checked before every send: a redelivered command is never
 * sent twice), FAILED when given up (a redrive tries again); then the provider's latest word on delivery.
 */
export interface DeliveriesRow {
  notification_id: string;
  status: 'SENDING' | 'SENT' | 'FAILED';
  command_event_id: string;
  correlation_id: string;
  booking_id: string | null;
  template: string;
  attempts: number;
  provider_message_id: string | null;
  // pg returns bigint as a string
  cost_micros: string | number | null;
  sent_at: Date | null;
  failure_reason: string | null;
  delivery_status: string | null;
  delivery_updated_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/**
 * Creates `<schema>.deliveries`: the shared identity columns first, then the channel's own (`channelColumns`,
 * which must add `attempts`, `provider_message_id` and `cost_micros`), then the shared outcome columns.
 * Existing migrations call it: never change the DDL it emits; alter the table in a new migration instead.
 */
export const createDeliveriesTable = async (
  // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed database is used
  db: Kysely<any>,
  schema: string,
  channelColumns: (table: CreateTableBuilder<'deliveries'>) => CreateTableBuilder<'deliveries'>,
): Promise<void> => {
  const identity = db.schema
    .withSchema(schema)
    .createTable('deliveries')
    .addColumn('notification_id', 'uuid', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('SENDING', 'SENT', 'FAILED')`))
    .addColumn('command_event_id', 'text', (c) => c.notNull())
    .addColumn('correlation_id', 'text', (c) => c.notNull())
    .addColumn('booking_id', 'uuid')
    .addColumn('template', 'text', (c) => c.notNull());
  await channelColumns(identity)
    .addColumn('sent_at', 'timestamptz')
    .addColumn('failure_reason', 'text')
    .addColumn('delivery_status', 'text')
    .addColumn('delivery_updated_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
};

/** What a deliveries row keeps of its command, so callbacks can publish status events caused by it. */
export interface CommandRef {
  notificationId: string;
  commandEventId: string;
  correlationId: string;
  bookingId: string | null;
  template: string;
}

export const commandRefOf = (command: EventOf<typeof NotificationRequested>): CommandRef => ({
  notificationId: command.data.notificationId,
  commandEventId: command.id,
  correlationId: command.correlationId,
  bookingId: command.data.bookingId,
  template: command.data.template,
});

type Table = `${string}.deliveries`;
type Ledger = Kysely<Record<Table, DeliveriesRow>>;
/** Channel columns of a row (e.g. the WhatsApp id); typed by the service, checked by Postgres. */
type Columns = Readonly<Record<string, unknown>>;

/**
 * The statements SMS and WhatsApp share on `<schema>.deliveries`. A SENT row is never downgraded: the first
 * acceptance wins. `identity` adds channel columns written with the first row (e.g. `wa_id`).
 */
export const deliveriesLedger = <Row extends Selectable<DeliveriesRow>>(
  // biome-ignore lint/suspicious/noExplicitAny: each service passes its own typed database holding this table
  database: Kysely<any>,
  schema: string,
) => {
  const db = database as Ledger;
  const table: Table = `${schema}.deliveries`;
  const identityOf = (ref: CommandRef, attempt: number, identity: Columns) => ({
    notification_id: ref.notificationId,
    command_event_id: ref.commandEventId,
    correlation_id: ref.correlationId,
    booking_id: ref.bookingId,
    template: ref.template,
    attempts: attempt,
    ...identity,
  });
  return {
    find: (notificationId: string): Promise<Row | undefined> =>
      db
        .selectFrom(table)
        .selectAll()
        .where('notification_id', '=', notificationId)
        .executeTakeFirst() as Promise<Row | undefined>,

    /** Before calling the provider: what a callback needs to report on this notification. */
    async markSending(ref: CommandRef, attempt: number, identity: Columns = {}): Promise<void> {
      await db
        .insertInto(table)
        .values({ ...identityOf(ref, attempt, identity), status: 'SENDING' })
        .onConflict((oc) =>
          oc
            .column('notification_id')
            .doUpdateSet({ status: 'SENDING', attempts: attempt, updated_at: sql`now()` })
            .where(`${table}.status`, '!=', 'SENT'),
        )
        .execute();
    },

    /** Given up, unless it was sent meanwhile (SENT wins). `columns` are written on insert and update. */
    async markFailed(
      ref: CommandRef,
      failed: { attempt: number; reason: string; columns?: Columns },
      identity: Columns = {},
    ): Promise<void> {
      const reason = failed.reason.slice(0, 1000);
      await db
        .insertInto(table)
        .values({
          ...identityOf(ref, failed.attempt, identity),
          ...failed.columns,
          status: 'FAILED',
          failure_reason: reason,
        })
        .onConflict((oc) =>
          oc
            .column('notification_id')
            .doUpdateSet({
              status: 'FAILED',
              attempts: failed.attempt,
              ...failed.columns,
              failure_reason: reason,
              updated_at: sql`now()`,
            })
            .where(`${table}.status`, '!=', 'SENT'),
        )
        .execute();
    },

    /** The provider's latest word on delivery (support reads it here); an older report never overwrites a newer one. */
    async recordDeliveryStatus(notificationId: string, status: string, at: Date): Promise<void> {
      await db
        .updateTable(table)
        .set({ delivery_status: status, delivery_updated_at: at, updated_at: sql`now()` })
        .where('notification_id', '=', notificationId)
        .where((eb) => eb.or([eb('delivery_updated_at', 'is', null), eb('delivery_updated_at', '<=', at)]))
        .execute();
    },
  };
};
