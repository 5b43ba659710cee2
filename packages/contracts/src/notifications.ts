import { z } from 'zod';
import { IsoDateTimeUtc } from './common.ts';
import { StoredDocument } from './documents.ts';
import { defineEvent } from './registry.ts';
import { CHANNELS, PRIORITIES } from './streams.ts';

export const NotificationChannel = z.enum(CHANNELS);
export const NotificationPriority = z.enum(PRIORITIES);

export const NotificationRecipient = z.object({
  kind: z.enum(['customer', 'staff', 'professional']),
  /** Staff member or professional id; customer id for customers. */
  id: z.string().nullable(),
  name: z.string().nullable(),
  email: z.email().nullable(),
  phone: z.string().nullable(),
});
export type NotificationRecipient = z.infer<typeof NotificationRecipient>;

/**
 * Command to a delivery service, published on `notify.<channel>.<priority>` (see `notifySubject`): CRITICAL for the
 * customer's booking confirmation only, HIGH and NORMAL for everything else. The envelope id
 * equals `notificationId`, derived from (trigger event id, recipient, channel, template): a replay or a redelivered
 * trigger republishes the same id and JetStream drops the duplicate.
 */
export const NotificationRequested = defineEvent({
  type: 'notification.requested',
  context: 'notify',
  schema: z.object({
    notificationId: z.uuid(),
    channel: NotificationChannel,
    priority: NotificationPriority,
    template: z.string().min(1),
    recipient: NotificationRecipient,
    /** Template data; each delivery service validates it against the template's own schema. */
    data: z.record(z.string(), z.unknown()),
    attachments: z.array(StoredDocument).default([]),
    /** True when documents were expected but did not arrive in time: the message says so. */
    documentsMissing: z.boolean().default(false),
    bookingId: z.uuid().nullable(),
    trigger: z.object({ eventId: z.string(), type: z.string() }),
    /** Reminders: id of the scheduled reminder that produced this message. */
    reminderId: z.string().nullable().default(null),
  }),
});

const StatusBase = {
  notificationId: z.uuid(),
  channel: NotificationChannel,
  bookingId: z.uuid().nullable(),
  at: IsoDateTimeUtc,
};

export const NotificationSending = defineEvent({
  type: 'notification.sending',
  context: 'notifications',
  schema: z.object({ ...StatusBase, attempt: z.number().int().positive() }),
});

export const NotificationSent = defineEvent({
  type: 'notification.sent',
  context: 'notifications',
  schema: z.object({
    ...StatusBase,
    attempt: z.number().int().positive(),
    provider: z.string(),
    providerMessageId: z.string(),
    /** SMS: segments and encoding of the rendered text. */
    segments: z.number().int().positive().nullable().default(null),
    encoding: z.enum(['GSM-7', 'UCS-2']).nullable().default(null),
    costMicros: z.number().int().nonnegative().nullable().default(null),
  }),
});

export const NotificationFailed = defineEvent({
  type: 'notification.failed',
  context: 'notifications',
  schema: z.object({
    ...StatusBase,
    attempt: z.number().int().positive(),
    provider: z.string().nullable(),
    reason: z.string(),
    /** False: permanent (invalid address, template data missing). True: attempts exhausted on a transient error. */
    retriable: z.boolean(),
  }),
});

/**
 * WhatsApp: what Meta said about the conversation the message opened or used (category, billable) and what it
 * costs by the configured price table. Meta's status webhooks carry the category, not the amount.
 */
export const ConversationPricing = z.object({
  category: z.string().min(1),
  billable: z.boolean(),
  pricingModel: z.string().nullable(),
  costMicros: z.number().int().nonnegative(),
});
export type ConversationPricing = z.infer<typeof ConversationPricing>;

export const NotificationDelivered = defineEvent({
  type: 'notification.delivered',
  context: 'notifications',
  schema: z.object({
    ...StatusBase,
    provider: z.string(),
    providerMessageId: z.string(),
    status: z.enum(['delivered', 'read']),
    pricing: ConversationPricing.nullable().default(null),
  }),
});

export const NotificationUndelivered = defineEvent({
  type: 'notification.undelivered',
  context: 'notifications',
  schema: z.object({
    ...StatusBase,
    provider: z.string(),
    providerMessageId: z.string(),
    reason: z.string(),
    /** The provider's error code (Twilio 30003, WhatsApp 131026…), when it gave one. */
    errorCode: z.string().nullable().default(null),
    pricing: ConversationPricing.nullable().default(null),
  }),
});
