import type { Envelope } from '@express-quote/contracts';
import { type Kysely, sql } from 'kysely';
import type { PaymentsDatabase } from './database.ts';

const TABLE = 'payments.stripe_events' as const;

export interface StripeEventRecord {
  id: string;
  type: string;
  livemode: boolean;
  /** The raw, verified JSON text: stored as Stripe sent it (jsonb). */
  payloadJson: string;
  outcome: string;
  envelope: Envelope | null;
}

export interface UnpublishedEvent {
  id: string;
  envelope: Envelope;
}

/** The `payments.stripe_events` table: what we received from Stripe and whether its envelope reached JetStream. */
export interface StripeEventLog {
  /** Inserts the event in its own transaction; false when this Stripe event id was already recorded. */
  record(event: StripeEventRecord): Promise<boolean>;
  markPublished(id: string, db?: Kysely<PaymentsDatabase>): Promise<void>;
  /** Rows whose envelope still has to be published, oldest first, received before `olderThanMs` ago. */
  unpublished(limit: number, olderThanMs: number, db?: Kysely<PaymentsDatabase>): Promise<UnpublishedEvent[]>;
  countUnpublished(): Promise<number>;
}

/**
 * `markDb` may be a pool without synchronous commit: losing a published mark in a Postgres crash only makes the
 * relay publish the row again, under the same msgID. The record itself always waits for the disk.
 */
export const createStripeEventLog = (
  db: Kysely<PaymentsDatabase>,
  markDb: Kysely<PaymentsDatabase> = db,
): StripeEventLog => ({
  async record(event) {
    const inserted = await db
      .insertInto(TABLE)
      .values({
        id: event.id,
        type: event.type,
        livemode: event.livemode,
        payload: event.payloadJson,
        outcome: event.outcome,
        envelope: event.envelope ? JSON.stringify(event.envelope) : null,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  },

  async markPublished(id, executor = markDb) {
    await executor
      .updateTable(TABLE)
      .set({ published_at: sql<Date>`clock_timestamp()` })
      .where('id', '=', id)
      .where('published_at', 'is', null)
      .execute();
  },

  async unpublished(limit, olderThanMs, executor = db) {
    const rows = await executor
      .selectFrom(TABLE)
      .select(['id', 'envelope'])
      .where('published_at', 'is', null)
      .where('envelope', 'is not', null)
      .where('received_at', '<=', sql<Date>`clock_timestamp() - make_interval(secs => ${olderThanMs / 1000})`)
      .orderBy('received_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, envelope: r.envelope as Envelope }));
  },

  async countUnpublished() {
    const row = await db
      .selectFrom(TABLE)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('published_at', 'is', null)
      .where('envelope', 'is not', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },
});
