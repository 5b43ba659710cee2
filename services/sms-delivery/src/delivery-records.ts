import { type Generated, type Kysely, type Selectable, sql } from 'kysely';
import { SCHEMA } from './migrations.ts';

interface DeliveriesTable {
  notification_id: string;
  status: 'SENDING' | 'SENT' | 'FAILED';
  command_event_id: string;
  correlation_id: string;
  booking_id: string | null;
  template: string;
  attempts: number;
  provider: string | null;
  provider_message_id: string | null;
  segments: number | null;
  encoding: string | null;
  // pg returns bigint as a string
  cost_micros: string | number | null;
  sent_at: Date | null;
  failure_reason: string | null;
  delivery_status: string | null;
  delivery_updated_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface Database {
  'sms_delivery.deliveries': DeliveriesTable;
}

export type DeliveryRecord = Selectable<DeliveriesTable>;

export interface CommandRef {
  notificationId: string;
  commandEventId: string;
  correlationId: string;
  bookingId: string | null;
  template: string;
}

export interface DeliveryRecords {
  find(notificationId: string): Promise<DeliveryRecord | undefined>;
  findByProviderMessage(provider: string, providerMessageId: string): Promise<DeliveryRecord | undefined>;
  /** Before calling providers: what a callback needs to report on this notification. Never downgrades SENT. */
  markSending(command: CommandRef, attempt: number): Promise<void>;
  /** A provider accepted the SMS. A SENT row is never changed afterwards (the first acceptance wins). */
  markSent(
    command: CommandRef,
    sent: {
      attempt: number;
      provider: string;
      providerMessageId: string;
      segments: number;
      encoding: string;
      costMicros: number | null;
      sentAt: Date;
    },
  ): Promise<DeliveryRecord>;
  /** Given up, unless it was sent meanwhile (SENT wins). */
  markFailed(
    command: CommandRef,
    failed: { attempt: number; provider: string | null; reason: string },
  ): Promise<void>;
  /** The provider's latest word on delivery (support reads it here; the event carries it to the projection). */
  recordDeliveryStatus(notificationId: string, status: string, at: Date): Promise<void>;
}

const TABLE = `${SCHEMA}.deliveries` as const;

const base = (c: CommandRef, attempt: number) => ({
  notification_id: c.notificationId,
  command_event_id: c.commandEventId,
  correlation_id: c.correlationId,
  booking_id: c.bookingId,
  template: c.template,
  attempts: attempt,
});

export const createDeliveryRecords = (db: Kysely<Database>): DeliveryRecords => ({
  find: (notificationId) =>
    db.selectFrom(TABLE).selectAll().where('notification_id', '=', notificationId).executeTakeFirst(),

  findByProviderMessage: (provider, providerMessageId) =>
    db
      .selectFrom(TABLE)
      .selectAll()
      .where('provider', '=', provider)
      .where('provider_message_id', '=', providerMessageId)
      .executeTakeFirst(),

  async markSending(c, attempt) {
    await db
      .insertInto(TABLE)
      .values({ ...base(c, attempt), status: 'SENDING' })
      .onConflict((oc) =>
        oc
          .column('notification_id')
          .doUpdateSet({ status: 'SENDING', attempts: attempt, updated_at: sql`now()` })
          .where(`${TABLE}.status`, '!=', 'SENT'),
      )
      .execute();
  },

  async markSent(c, s) {
    const values = {
      status: 'SENT' as const,
      attempts: s.attempt,
      provider: s.provider,
      provider_message_id: s.providerMessageId,
      segments: s.segments,
      encoding: s.encoding,
      cost_micros: s.costMicros,
      sent_at: s.sentAt,
      failure_reason: null,
    };
    await db
      .insertInto(TABLE)
      .values({ ...base(c, s.attempt), ...values })
      .onConflict((oc) =>
        oc
          .column('notification_id')
          .doUpdateSet({ ...values, updated_at: sql`now()` })
          .where(`${TABLE}.status`, '!=', 'SENT'),
      )
      .execute();
    return db
      .selectFrom(TABLE)
      .selectAll()
      .where('notification_id', '=', c.notificationId)
      .executeTakeFirstOrThrow();
  },

  async markFailed(c, f) {
    await db
      .insertInto(TABLE)
      .values({
        ...base(c, f.attempt),
        status: 'FAILED',
        provider: f.provider,
        failure_reason: f.reason.slice(0, 1000),
      })
      .onConflict((oc) =>
        oc
          .column('notification_id')
          .doUpdateSet({
            status: 'FAILED',
            attempts: f.attempt,
            provider: f.provider,
            failure_reason: f.reason.slice(0, 1000),
            updated_at: sql`now()`,
          })
          .where(`${TABLE}.status`, '!=', 'SENT'),
      )
      .execute();
  },

  async recordDeliveryStatus(notificationId, status, at) {
    await db
      .updateTable(TABLE)
      .set({ delivery_status: status, delivery_updated_at: at, updated_at: sql`now()` })
      .where('notification_id', '=', notificationId)
      .where((eb) => eb.or([eb('delivery_updated_at', 'is', null), eb('delivery_updated_at', '<=', at)]))
      .execute();
  },
});
