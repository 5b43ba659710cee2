import { createEvent, NotificationRequested, notifySubject } from '@express-quote/contracts';
import type { Publisher } from '@express-quote/messaging';
import type { Logger } from 'pino';
import type { NotificationsDb } from '../database.ts';
import { type DocumentLinkSigner, decideRelease, toNotificationRequested } from '../domain/release.ts';
import type { PlannerMetrics } from '../metrics.ts';
import { documentSetsOfBookings } from './document-sets.ts';
import { fromOutboxRow } from './outbox-rows.ts';

export interface ReleaseDeps {
  db: NotificationsDb;
  publisher: Publisher;
  sign: DocumentLinkSigner;
  now: () => Date;
  logger: Logger;
  metrics?: PlannerMetrics;
}

export interface ReleaseFilter {
  bookingId?: string;
  triggerEventId?: string;
}

export interface ReleasedNotification {
  notificationId: string;
  channel: string;
  template: string;
  /** attached: its documents are attached; missing: its deadline passed without them; none: it awaits none. */
  documents: 'attached' | 'missing' | 'none';
  documentsMissing: boolean;
  duplicate: boolean;
}

const BATCH = 100;

/**
 * Publishes every waiting message that can go now: its documents are there, it awaits none, or its deadline
 * passed. Rows are claimed with FOR UPDATE SKIP LOCKED and marked PUBLISHED in the same transaction as the publish,
 * so two instances (or a handler and the poller) never both send one; if the publish or the commit fails, the row
 * stays WAITING and the next attempt republishes the same msgID, which JetStream's duplicate window absorbs.
 */
export const releaseDue = async (
  deps: ReleaseDeps,
  filter: ReleaseFilter = {},
): Promise<ReleasedNotification[]> => {
  const released: ReleasedNotification[] = [];
  for (;;) {
    const { claimed, batch } = await deps.db.transaction().execute(async (trx) => {
      const now = deps.now();
      let query = trx
        .selectFrom('notification_outbox as o')
        .selectAll('o')
        .where('o.status', '=', 'WAITING')
        .where((eb) =>
          eb.or([
            eb('o.awaits_audience', 'is', null),
            eb('o.release_at', '<=', now),
            eb.exists(
              eb
                .selectFrom('document_sets as d')
                .select('d.booking_id')
                .whereRef('d.booking_id', '=', 'o.booking_id')
                .whereRef('d.audience', '=', 'o.awaits_audience')
                .whereRef('d.attribution_key', '=', 'o.awaits_attribution_key')
                .whereRef('d.professional_key', '=', 'o.awaits_professional_key'),
            ),
          ]),
        );
      if (filter.bookingId) query = query.where('o.booking_id', '=', filter.bookingId);
      if (filter.triggerEventId) query = query.where('o.trigger_event_id', '=', filter.triggerEventId);
      const rows = await query.orderBy('o.release_at').limit(BATCH).forUpdate().skipLocked().execute();
      if (rows.length === 0) return { claimed: 0, batch: [] };

      const bookingIds = [...new Set(rows.flatMap((r) => (r.booking_id ? [r.booking_id] : [])))];
      const sets = await documentSetsOfBookings(trx, bookingIds);
      const sends = rows.flatMap((row) => {
        const planned = fromOutboxRow(row);
        const decision = decideRelease(planned, sets, now, deps.sign);
        return decision.kind === 'send' ? [{ row, planned, decision }] : [];
      });
      // Pipelined: a booking's fan-out is published in one round of acks, not one after the other.
      const acks = await Promise.all(
        sends.map(({ row, planned, decision }) =>
          deps.publisher.publish(
            createEvent(NotificationRequested, toNotificationRequested(planned, decision), {
              cause: { id: row.trigger_event_id, correlationId: row.correlation_id },
              id: row.notification_id,
              occurredAt: now,
            }),
            { subject: notifySubject(planned.channel, planned.priority) },
          ),
        ),
      );
      for (const { row, decision } of sends) {
        await trx
          .updateTable('notification_outbox')
          .set({
            status: 'PUBLISHED',
            published_at: now,
            attachments: JSON.stringify(decision.attachments),
            documents_missing: decision.documentsMissing,
          })
          .where('notification_id', '=', row.notification_id)
          .execute();
      }
      return {
        claimed: rows.length,
        batch: sends.map(({ planned, decision }, i) => ({
          notificationId: planned.notificationId,
          channel: planned.channel,
          template: planned.template,
          documents: decision.documentsMissing
            ? ('missing' as const)
            : planned.awaitsDocuments
              ? ('attached' as const)
              : ('none' as const),
          documentsMissing: decision.documentsMissing,
          duplicate: acks[i]?.duplicate ?? false,
        })),
      };
    });
    for (const r of batch) {
      deps.metrics?.released.labels(r.channel, r.template, r.documents).inc();
      deps.logger.info(
        {
          notificationId: r.notificationId,
          channel: r.channel,
          template: r.template,
          documentsMissing: r.documentsMissing,
          duplicate: r.duplicate,
        },
        'notification requested',
      );
    }
    released.push(...batch);
    // A short batch means nothing else is due; a full one may hide more (or rows that must still wait).
    if (claimed < BATCH || batch.length === 0) return released;
  }
};
