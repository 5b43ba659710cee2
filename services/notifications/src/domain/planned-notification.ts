import type {
  Channel,
  DocumentAudience,
  DocumentKind,
  NotificationRecipient,
  Priority,
} from '@express-quote/contracts';
import { deterministicId } from '@express-quote/contracts';

/** Template names shared with the delivery services (they validate each template's data). */
export const TEMPLATES = {
  bookingConfirmation: 'booking-confirmation',
  bookingConfirmationSms: 'booking-confirmation-sms',
  bookingConfirmationWhatsApp: 'booking-confirmation-whatsapp',
  staffBookingDocuments: 'professional-document',
  professionalAttribution: 'external-professional-attribution',
  staffAlert: 'staff-alert',
  staffAlertSms: 'staff-alert-sms',
  bookingReminder: 'booking-reminder',
  bookingReminderSms: 'booking-reminder-sms',
  bookingReminderWhatsApp: 'booking-reminder-whatsapp',
  missionReminderSms: 'mission-reminder-sms',
  missionReminderWhatsApp: 'mission-reminder-whatsapp',
  missionAssigned: 'mission-assigned',
  missionTaken: 'mission-taken',
  /** Customer e-mail once a professional accepted; CUSTOMER_ASSIGNED_EMAIL_ENABLED (default true) can turn it off. */
  professionalAssigned: 'professional-assigned',
} as const;

/** The document set a message waits for: what DocumentsGenerated is keyed by. */
export interface DocumentSetKey {
  bookingId: string;
  audience: DocumentAudience;
  attributionId: string | null;
  professionalId: string | null;
}

/** A template field filled at release time with a signed link to one of the attached documents. */
export interface DocumentLinkSpec {
  field: string;
  kind: DocumentKind;
  /** Used when the documents never came. */
  fallbackUrl: string;
}

export interface TriggerRef {
  eventId: string;
  type: string;
  correlationId: string;
}

/**
 * One message the planner decided to send. It is stored before anything is published and released (published)
 * once its documents are there or at `releaseAt` without them.
 */
export interface PlannedNotification {
  notificationId: string;
  channel: Channel;
  priority: Priority;
  template: string;
  recipient: NotificationRecipient;
  data: Record<string, unknown>;
  bookingId: string | null;
  trigger: TriggerRef;
  awaitsDocuments: DocumentSetKey | null;
  documentLinks: DocumentLinkSpec[];
  /** ISO instant: latest release time; equals the planning time when nothing is awaited. */
  releaseAt: string;
}

/** The key a recipient is known by on a channel: the e-mail address or the phone number. */
export const recipientKey = (channel: Channel, recipient: NotificationRecipient): string => {
  const key = channel === 'email' ? recipient.email?.toLowerCase() : recipient.phone;
  if (!key) throw new Error(`recipient ${recipient.kind} has no address for channel ${channel}`);
  return key;
};

/**
 * notificationId = uuid v5 of (trigger event id, recipient key, channel, template): a replayed or redelivered
 * trigger yields the same id, so it can never become a second message.
 */
export const notificationIdFor = (
  triggerEventId: string,
  channel: Channel,
  template: string,
  recipient: NotificationRecipient,
): string => deterministicId(triggerEventId, recipientKey(channel, recipient), channel, template);
