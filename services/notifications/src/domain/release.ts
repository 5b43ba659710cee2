import type { DataOf, NotificationRequested, StoredDocument } from '@express-quote/contracts';
import type { DocumentSetKey, PlannedNotification } from './planned-notification.ts';

/** The documents of one DocumentsGenerated, as stored by the planner. */
export interface DocumentSet extends DocumentSetKey {
  documents: StoredDocument[];
}

export type ReleaseDecision =
  | { kind: 'wait' }
  | { kind: 'send'; attachments: StoredDocument[]; documentsMissing: boolean; data: Record<string, unknown> };

/** Builds the signed URL of a stored document (documents' signDocumentUrl behind it). */
export type DocumentLinkSigner = (document: StoredDocument, now: Date) => string;

export const sameDocumentSet = (a: DocumentSetKey, b: DocumentSetKey): boolean =>
  a.bookingId === b.bookingId &&
  a.audience === b.audience &&
  (a.attributionId ?? null) === (b.attributionId ?? null) &&
  (a.professionalId ?? null) === (b.professionalId ?? null);

/**
 * Send now with the documents, send now without them (deadline passed: `documentsMissing`), or keep waiting.
 * Links to documents (the customer's "view my booking") are signed here, when the document keys are known.
 */
export const decideRelease = (
  planned: Pick<PlannedNotification, 'awaitsDocuments' | 'documentLinks' | 'data' | 'releaseAt'>,
  available: readonly DocumentSet[],
  now: Date,
  sign: DocumentLinkSigner,
): ReleaseDecision => {
  const awaited = planned.awaitsDocuments;
  const set = awaited ? available.find((s) => sameDocumentSet(s, awaited)) : undefined;
  if (awaited && !set && now.getTime() < Date.parse(planned.releaseAt)) return { kind: 'wait' };
  const attachments = set?.documents ?? [];
  const data: Record<string, unknown> = { ...planned.data };
  for (const link of planned.documentLinks) {
    const document = attachments.find((d) => d.kind === link.kind);
    data[link.field] = document ? sign(document, now) : link.fallbackUrl;
  }
  return { kind: 'send', attachments, documentsMissing: awaited !== null && !set, data };
};

/** The command a delivery service receives, for a released notification. */
export const toNotificationRequested = (
  planned: PlannedNotification,
  decision: Extract<ReleaseDecision, { kind: 'send' }>,
): DataOf<typeof NotificationRequested> => ({
  notificationId: planned.notificationId,
  channel: planned.channel,
  priority: planned.priority,
  template: planned.template,
  recipient: planned.recipient,
  data: decision.data,
  attachments: decision.attachments,
  documentsMissing: decision.documentsMissing,
  bookingId: planned.bookingId,
  trigger: { eventId: planned.trigger.eventId, type: planned.trigger.type },
  reminderId: null,
});
