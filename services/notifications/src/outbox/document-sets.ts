import type { DataOf, DocumentsGenerated, StoredDocument } from '@express-quote/contracts';
import type { NotificationsDb } from '../database.ts';
import { attributionRoundKey } from '../domain/plan-professional-proposed.ts';
import type { DocumentSet } from '../domain/release.ts';
import { idOf, keyOf } from './outbox-rows.ts';

/**
 * A professional's set is one round's (the key the proposal's message waits for); a set without a round was
 * published before rounds were named and keeps the bare attribution id.
 */
const attributionKeyOf = (data: DataOf<typeof DocumentsGenerated>): string =>
  data.attributionId && data.round !== undefined
    ? attributionRoundKey(data.attributionId, data.round)
    : keyOf(data.attributionId);

/**
 * Records the documents of one DocumentsGenerated. A later set for the same key (regenerated documents of the same
 * round) replaces the earlier one for messages not yet released; a redelivery writes the same values again.
 */
export const storeDocumentSet = async (
  db: NotificationsDb,
  data: DataOf<typeof DocumentsGenerated>,
  sourceEventId: string,
  now: Date,
): Promise<void> => {
  await db
    .insertInto('document_sets')
    .values({
      booking_id: data.bookingId,
      audience: data.audience,
      attribution_key: attributionKeyOf(data),
      professional_key: keyOf(data.professionalId),
      documents: JSON.stringify(data.documents),
      source_event_id: sourceEventId,
      received_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['booking_id', 'audience', 'attribution_key', 'professional_key']).doUpdateSet((eb) => ({
        documents: eb.ref('excluded.documents'),
        source_event_id: eb.ref('excluded.source_event_id'),
        received_at: eb.ref('excluded.received_at'),
      })),
    )
    .execute();
};

export const documentSetsOfBookings = async (
  db: NotificationsDb,
  bookingIds: readonly string[],
): Promise<DocumentSet[]> => {
  if (bookingIds.length === 0) return [];
  const rows = await db
    .selectFrom('document_sets')
    .selectAll()
    .where('booking_id', 'in', bookingIds)
    .execute();
  return rows.map((r) => ({
    bookingId: r.booking_id,
    audience: r.audience as DocumentSet['audience'],
    attributionId: idOf(r.attribution_key),
    professionalId: idOf(r.professional_key),
    documents: r.documents as StoredDocument[],
  }));
};
