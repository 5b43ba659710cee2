import { type CommandRef, type DeliveriesRow, deliveriesLedger } from '@express-quote/delivery-kit';
import { type Kysely, type Selectable, sql } from 'kysely';
import { SCHEMA } from './migrations.ts';

interface DeliveriesTable extends DeliveriesRow {
  provider: string | null;
  segments: number | null;
  encoding: string | null;
}

export interface Database {
  'sms_delivery.deliveries': DeliveriesTable;
}

export type DeliveryRecord = Selectable<DeliveriesTable>;

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

export const createDeliveryRecords = (db: Kysely<Database>): DeliveryRecords => {
  const ledger = deliveriesLedger<DeliveryRecord>(db, SCHEMA);
  return {
    find: ledger.find,

    findByProviderMessage: (provider, providerMessageId) =>
      db
        .selectFrom(TABLE)
        .selectAll()
        .where('provider', '=', provider)
        .where('provider_message_id', '=', providerMessageId)
        .executeTakeFirst(),

    markSending: (c, attempt) => ledger.markSending(c, attempt),

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
        .values({
          notification_id: c.notificationId,
          command_event_id: c.commandEventId,
          correlation_id: c.correlationId,
          booking_id: c.bookingId,
          template: c.template,
          ...values,
        })
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

    markFailed: (c, f) =>
      ledger.markFailed(c, { attempt: f.attempt, reason: f.reason, columns: { provider: f.provider } }),

    recordDeliveryStatus: ledger.recordDeliveryStatus,
  };
};
