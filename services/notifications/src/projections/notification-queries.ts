import { deriveStatus, type NotificationFacts, type NotificationStatus } from '@express-quote/read-models';
import type { Selectable } from 'kysely';
import type { NotificationOutboxTable, NotificationStatusTable, NotificationsDb } from '../database.ts';

/** What support sees for one notification: the planner's side (waiting for documents) and the delivery side. */
export interface NotificationView {
  notificationId: string;
  /**
   * WAITING_DOCUMENTS: planned, held until its documents arrive or `releaseAt`; PLANNED: stored, being published
   * (a moment); then the delivery statuses.
   */
  status: NotificationStatus | 'WAITING_DOCUMENTS' | 'PLANNED';
  /** Audience of the document set it waits for (customer, internal, professional), while it waits. */
  waitingFor: string | null;
  bookingId: string | null;
  channel: string | null;
  priority: string | null;
  template: string | null;
  recipient: unknown;
  trigger: { eventId: string; type: string } | null;
  correlationId: string | null;
  documentsMissing: boolean | null;
  attachments: Array<{ kind: string; filename: string; key: string; bytes: number; sha256: string }>;
  releaseAt: string | null;
  attempts: number;
  provider: string | null;
  providerMessageId: string | null;
  lastError: string | null;
  retriable: boolean | null;
  sms: { segments: number | null; encoding: string | null; costMicros: number | null } | null;
  requestedAt: string | null;
  sendingAt: string | null;
  sentAt: string | null;
  failedAt: string | null;
  deliveredAt: string | null;
  undeliveredAt: string | null;
  updatedAt: string;
}

type OutboxRow = Selectable<NotificationOutboxTable>;
type StatusRow = Selectable<NotificationStatusTable>;

const attachmentsOf = (value: unknown): NotificationView['attachments'] =>
  Array.isArray(value)
    ? value.map((d: { kind: string; filename: string; key: string; bytes: number; sha256: string }) => ({
        kind: d.kind,
        filename: d.filename,
        key: d.key,
        bytes: d.bytes,
        sha256: d.sha256,
      }))
    : [];

export const toNotificationView = (
  outbox: OutboxRow | undefined,
  status: StatusRow | undefined,
): NotificationView => {
  const facts = status?.facts as unknown as NotificationFacts | undefined;
  const request = facts?.request ?? null;
  const derived = facts ? deriveStatus(facts) : null;
  const waiting = outbox?.status === 'WAITING';
  return {
    notificationId: outbox?.notification_id ?? status!.notification_id,
    // Published but not yet seen on notify.> by the projection: PENDING is what it is.
    status:
      derived?.status ?? (waiting ? (outbox?.awaits_audience ? 'WAITING_DOCUMENTS' : 'PLANNED') : 'PENDING'),
    waitingFor: !derived && waiting ? (outbox?.awaits_audience ?? null) : null,
    bookingId: request?.bookingId ?? outbox?.booking_id ?? derived?.bookingId ?? null,
    channel: request?.channel ?? outbox?.channel ?? derived?.channel ?? null,
    priority: request?.priority ?? outbox?.priority ?? null,
    template: request?.template ?? outbox?.template ?? null,
    recipient: request?.recipient ?? outbox?.recipient ?? null,
    trigger:
      request?.trigger ?? (outbox ? { eventId: outbox.trigger_event_id, type: outbox.trigger_type } : null),
    correlationId: request?.correlationId ?? outbox?.correlation_id ?? null,
    documentsMissing: request?.documentsMissing ?? outbox?.documents_missing ?? null,
    attachments: attachmentsOf(request?.attachments ?? outbox?.attachments),
    releaseAt: waiting ? (outbox?.release_at.toISOString() ?? null) : null,
    attempts: derived?.attempts ?? 0,
    provider: derived?.provider ?? null,
    providerMessageId: derived?.providerMessageId ?? null,
    lastError: derived?.lastError ?? null,
    retriable: derived?.retriable ?? null,
    sms:
      facts?.sent && facts.sent.channel === 'sms'
        ? { segments: facts.sent.segments, encoding: facts.sent.encoding, costMicros: facts.sent.costMicros }
        : null,
    requestedAt: derived?.requestedAt ?? outbox?.published_at?.toISOString() ?? null,
    sendingAt: derived?.sendingAt ?? null,
    sentAt: derived?.sentAt ?? null,
    failedAt: derived?.failedAt ?? null,
    deliveredAt: derived?.deliveredAt ?? null,
    undeliveredAt: derived?.undeliveredAt ?? null,
    updatedAt:
      derived?.updatedAt ?? (outbox?.published_at ?? outbox?.created_at ?? new Date(0)).toISOString(),
  };
};

export const findNotification = async (
  db: NotificationsDb,
  notificationId: string,
): Promise<NotificationView | undefined> => {
  const [outbox, status] = await Promise.all([
    db
      .selectFrom('notification_outbox')
      .selectAll()
      .where('notification_id', '=', notificationId)
      .executeTakeFirst(),
    db
      .selectFrom('notification_status')
      .selectAll()
      .where('notification_id', '=', notificationId)
      .executeTakeFirst(),
  ]);
  if (!outbox && !status) return undefined;
  return toNotificationView(outbox, status);
};

/** Every notification of a booking, planned or projected, oldest first. */
export const listBookingNotifications = async (
  db: NotificationsDb,
  bookingId: string,
): Promise<NotificationView[]> => {
  const [outbox, status] = await Promise.all([
    db.selectFrom('notification_outbox').selectAll().where('booking_id', '=', bookingId).execute(),
    db.selectFrom('notification_status').selectAll().where('booking_id', '=', bookingId).execute(),
  ]);
  const byId = new Map<string, { outbox?: OutboxRow; status?: StatusRow }>();
  for (const row of outbox) byId.set(row.notification_id, { outbox: row });
  for (const row of status) byId.set(row.notification_id, { ...byId.get(row.notification_id), status: row });
  return [...byId.values()]
    .map(({ outbox: o, status: s }) => ({
      view: toNotificationView(o, s),
      created: o?.created_at.getTime() ?? 0,
    }))
    .sort(
      (a, b) =>
        a.created - b.created ||
        (a.view.requestedAt ?? '').localeCompare(b.view.requestedAt ?? '') ||
        a.view.notificationId.localeCompare(b.view.notificationId),
    )
    .map((x) => x.view);
};
