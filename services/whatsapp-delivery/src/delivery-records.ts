import {
  type DeliveriesRow,
  deliveriesLedger,
  type CommandRef as KitCommandRef,
} from '@express-quote/delivery-kit';
import { type Generated, type Kysely, type Selectable, sql } from 'kysely';
import type { TemplateMessage } from './adapters/cloud-api.ts';
import { SCHEMA } from './migrations.ts';

interface DeliveriesTable extends DeliveriesRow {
  wa_id: string;
  message_kind: 'text' | 'template' | null;
  fallback: TemplateMessage | null;
  fallback_claimed_at: Date | null;
  pricing_category: string | null;
}

interface MessagePartsTable {
  notification_id: string;
  part: string;
  wamid: string;
  created_at: Generated<Date>;
}

interface MediaUploadsTable {
  sha256: string;
  media_id: string;
  uploaded_at: Generated<Date>;
}

export interface Database {
  'whatsapp_delivery.deliveries': DeliveriesTable;
  'whatsapp_delivery.message_parts': MessagePartsTable;
  'whatsapp_delivery.media_uploads': MediaUploadsTable;
}

export type DeliveryRecord = Selectable<DeliveriesTable>;

/** The kit's command reference and the recipient's WhatsApp id, written with the first row. */
export interface CommandRef extends KitCommandRef {
  waId: string;
}

const D = `${SCHEMA}.deliveries` as const;
const P = `${SCHEMA}.message_parts` as const;
const M = `${SCHEMA}.media_uploads` as const;

export const createDeliveryRecords = (db: Kysely<Database>) => {
  const ledger = deliveriesLedger<DeliveryRecord>(db, SCHEMA);
  return {
    find: ledger.find,

    async findByMessage(wamid: string): Promise<{ record: DeliveryRecord; part: string } | undefined> {
      const part = await db
        .selectFrom(P)
        .select(['notification_id', 'part'])
        .where('wamid', '=', wamid)
        .executeTakeFirst();
      if (!part) return undefined;
      const record = await db
        .selectFrom(D)
        .selectAll()
        .where('notification_id', '=', part.notification_id)
        .executeTakeFirst();
      return record ? { record, part: part.part } : undefined;
    },

    markSending: (c: CommandRef, attempt: number) => ledger.markSending(c, attempt, { wa_id: c.waId }),

    /** Parts already accepted by the API for this notification (part → wamid). */
    async sentParts(notificationId: string): Promise<Map<string, string>> {
      const rows = await db
        .selectFrom(P)
        .select(['part', 'wamid'])
        .where('notification_id', '=', notificationId)
        .execute();
      return new Map(rows.map((r) => [r.part, r.wamid]));
    },

    async recordPart(notificationId: string, part: string, wamid: string) {
      await db
        .insertInto(P)
        .values({ notification_id: notificationId, part, wamid })
        .onConflict((oc) => oc.doNothing())
        .execute();
    },

    async markSent(
      notificationId: string,
      s: {
        attempt: number;
        wamid: string;
        kind: 'text' | 'template';
        fallback: TemplateMessage | null;
        sentAt: Date;
      },
    ): Promise<DeliveryRecord> {
      await db
        .updateTable(D)
        .set({
          status: 'SENT',
          attempts: s.attempt,
          message_kind: s.kind,
          provider_message_id: s.wamid,
          fallback: s.fallback === null ? null : (JSON.stringify(s.fallback) as never),
          sent_at: s.sentAt,
          failure_reason: null,
          updated_at: sql`now()`,
        })
        .where('notification_id', '=', notificationId)
        .where('status', '!=', 'SENT')
        .execute();
      return db
        .selectFrom(D)
        .selectAll()
        .where('notification_id', '=', notificationId)
        .executeTakeFirstOrThrow();
    },

    markFailed: (c: CommandRef, f: { attempt: number; reason: string }) =>
      ledger.markFailed(c, f, { wa_id: c.waId }),

    /**
     * Takes the right to send the template fallback of a text Meta refused after accepting it (131047 in a webhook):
     * once per notification, whatever the number of webhook deliveries or instances.
     */
    async claimFallback(notificationId: string, refusedWamid: string): Promise<DeliveryRecord | undefined> {
      return db
        .updateTable(D)
        .set({ fallback_claimed_at: sql`now()`, updated_at: sql`now()` })
        .where('notification_id', '=', notificationId)
        .where('provider_message_id', '=', refusedWamid)
        .where('message_kind', '=', 'text')
        .where('fallback', 'is not', null)
        .where('fallback_claimed_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
    },

    /** Gives the claim back when the fallback could not be sent (the webhook is answered 503 and comes again). */
    async releaseFallback(notificationId: string) {
      await db
        .updateTable(D)
        .set({ fallback_claimed_at: null })
        .where('notification_id', '=', notificationId)
        .execute();
    },

    async fallbackSent(notificationId: string, wamid: string, attempt: number) {
      await db
        .updateTable(D)
        .set({
          provider_message_id: wamid,
          message_kind: 'template',
          attempts: attempt,
          updated_at: sql`now()`,
        })
        .where('notification_id', '=', notificationId)
        .execute();
    },

    /** Records the cost once per notification; true the first time (so the cost metric counts it once). */
    async recordCost(notificationId: string, costMicros: number, category: string): Promise<boolean> {
      const result = await db
        .updateTable(D)
        .set({ cost_micros: costMicros, pricing_category: category, updated_at: sql`now()` })
        .where('notification_id', '=', notificationId)
        .where('cost_micros', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    recordDeliveryStatus: ledger.recordDeliveryStatus,

    async findMedia(sha256: string, maxAgeMs: number): Promise<string | undefined> {
      const row = await db
        .selectFrom(M)
        .select('media_id')
        .where('sha256', '=', sha256)
        .where('uploaded_at', '>', new Date(Date.now() - maxAgeMs))
        .executeTakeFirst();
      return row?.media_id;
    },

    async saveMedia(sha256: string, mediaId: string) {
      await db
        .insertInto(M)
        .values({ sha256, media_id: mediaId })
        .onConflict((oc) => oc.column('sha256').doUpdateSet({ media_id: mediaId, uploaded_at: sql`now()` }))
        .execute();
    },
  };
};

export type DeliveryRecords = ReturnType<typeof createDeliveryRecords>;
