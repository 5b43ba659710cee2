import type { NotificationRecipient } from '@express-quote/contracts';
import type { Selectable } from 'kysely';
import type { NotificationOutboxTable } from '../database.ts';
import type { DocumentLinkSpec, PlannedNotification } from '../domain/planned-notification.ts';

// '' stands for "none" in keys: NULLs never compare equal, so they cannot be part of a primary key or a join.
export const keyOf = (id: string | null | undefined): string => id ?? '';
export const idOf = (key: string | null): string | null => (key ? key : null);

export const toOutboxRow = (p: PlannedNotification, now: Date) => ({
  notification_id: p.notificationId,
  booking_id: p.bookingId,
  trigger_event_id: p.trigger.eventId,
  trigger_type: p.trigger.type,
  correlation_id: p.trigger.correlationId,
  channel: p.channel,
  priority: p.priority,
  template: p.template,
  recipient: JSON.stringify(p.recipient),
  data: JSON.stringify(p.data),
  document_links: JSON.stringify(p.documentLinks),
  awaits_audience: p.awaitsDocuments?.audience ?? null,
  awaits_attribution_key: p.awaitsDocuments ? keyOf(p.awaitsDocuments.attributionId) : null,
  awaits_professional_key: p.awaitsDocuments ? keyOf(p.awaitsDocuments.professionalId) : null,
  release_at: p.releaseAt,
  status: 'WAITING',
  attachments: null,
  documents_missing: null,
  created_at: now,
  published_at: null,
});

export type OutboxRow = Selectable<NotificationOutboxTable>;

export const fromOutboxRow = (row: OutboxRow): PlannedNotification => ({
  notificationId: row.notification_id,
  channel: row.channel as PlannedNotification['channel'],
  priority: row.priority as PlannedNotification['priority'],
  template: row.template,
  recipient: row.recipient as unknown as NotificationRecipient,
  data: row.data,
  bookingId: row.booking_id,
  trigger: { eventId: row.trigger_event_id, type: row.trigger_type, correlationId: row.correlation_id },
  awaitsDocuments:
    row.awaits_audience && row.booking_id
      ? {
          bookingId: row.booking_id,
          audience: row.awaits_audience as 'customer' | 'internal' | 'professional',
          attributionId: idOf(row.awaits_attribution_key),
          professionalId: idOf(row.awaits_professional_key),
        }
      : null,
  documentLinks: row.document_links as DocumentLinkSpec[],
  releaseAt: row.release_at.toISOString(),
});
