import type { Generated, Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import { SCHEMA } from './migrations.ts';

interface DeliveriesTable {
  notification_id: string;
  status: 'SENT' | 'FAILED';
  message_id: string;
  provider: string;
  provider_response: string | null;
  attempts: number;
  sent_at: Date | null;
  failure_reason: string | null;
  correlation_id: string;
  updated_at: Generated<Date>;
}

export interface Database {
  'email_delivery.deliveries': DeliveriesTable;
}

export type DeliveryRecord = Selectable<DeliveriesTable>;

export interface DeliveryRecords {
  find(notificationId: string): Promise<DeliveryRecord | undefined>;
  /** Records that the SMTP server accepted the message. A SENT row is never changed afterwards. */
  markSent(record: {
    notificationId: string;
    messageId: string;
    provider: string;
    providerResponse: string;
    attempts: number;
    sentAt: Date;
    correlationId: string;
  }): Promise<DeliveryRecord>;
  /** Records a final failure, unless the notification was sent meanwhile (SENT wins). */
  markFailed(record: {
    notificationId: string;
    messageId: string;
    provider: string;
    attempts: number;
    reason: string;
    correlationId: string;
  }): Promise<void>;
}

const TABLE = `${SCHEMA}.deliveries` as const;

export const createDeliveryRecords = (db: Kysely<Database>): DeliveryRecords => ({
  find: (notificationId) =>
    db.selectFrom(TABLE).selectAll().where('notification_id', '=', notificationId).executeTakeFirst(),

  async markSent(r) {
    // A second acceptance (the documented crash window) keeps the first record: its attempt number is the one
    // the first `notification.sent` carried, so a republished event keeps its id.
    const written = await db
      .insertInto(TABLE)
      .values({
        notification_id: r.notificationId,
        status: 'SENT',
        message_id: r.messageId,
        provider: r.provider,
        provider_response: r.providerResponse.slice(0, 500),
        attempts: r.attempts,
        sent_at: r.sentAt,
        failure_reason: null,
        correlation_id: r.correlationId,
      })
      .onConflict((oc) =>
        oc
          .column('notification_id')
          .doUpdateSet({
            status: 'SENT',
            message_id: r.messageId,
            provider: r.provider,
            provider_response: r.providerResponse.slice(0, 500),
            attempts: r.attempts,
            sent_at: r.sentAt,
            failure_reason: null,
            updated_at: sql`now()`,
          })
          .where(`${TABLE}.status`, '=', 'FAILED'),
      )
      .returningAll()
      .executeTakeFirst();
    // Nothing returned: it was SENT already, keep that record.
    return (
      written ??
      (await db
        .selectFrom(TABLE)
        .selectAll()
        .where('notification_id', '=', r.notificationId)
        .executeTakeFirstOrThrow())
    );
  },

  async markFailed(r) {
    await db
      .insertInto(TABLE)
      .values({
        notification_id: r.notificationId,
        status: 'FAILED',
        message_id: r.messageId,
        provider: r.provider,
        provider_response: null,
        attempts: r.attempts,
        sent_at: null,
        failure_reason: r.reason.slice(0, 1000),
        correlation_id: r.correlationId,
      })
      .onConflict((oc) =>
        oc
          .column('notification_id')
          .doUpdateSet({
            attempts: r.attempts,
            failure_reason: r.reason.slice(0, 1000),
            updated_at: sql`now()`,
          })
          .where(`${TABLE}.status`, '=', 'FAILED'),
      )
      .execute();
  },
});
