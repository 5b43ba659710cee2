import { z } from 'zod';

const StatusError = z
  .object({ code: z.number().int(), title: z.string().optional(), message: z.string().optional() })
  .passthrough();

export const MessageStatus = z
  .object({
    id: z.string().min(1),
    status: z.string().min(1),
    timestamp: z.string().regex(/^\d+$/),
    recipient_id: z.string().optional(),
    biz_opaque_callback_data: z.string().optional(),
    conversation: z
      .object({ id: z.string().optional(), origin: z.object({ type: z.string() }).optional() })
      .passthrough()
      .optional(),
    pricing: z
      .object({
        billable: z.boolean().optional(),
        pricing_model: z.string().optional(),
        category: z.string().optional(),
      })
      .passthrough()
      .optional(),
    errors: z.array(StatusError).optional(),
  })
  .passthrough();
export type MessageStatus = z.infer<typeof MessageStatus>;

/** The part of a Cloud API webhook we act on: message statuses (inbound messages and other fields are ignored). */
export const WebhookPayload = z
  .object({
    object: z.string(),
    entry: z.array(
      z
        .object({
          changes: z.array(
            z
              .object({
                field: z.string(),
                value: z.object({ statuses: z.array(MessageStatus).optional() }).passthrough(),
              })
              .passthrough(),
          ),
        })
        .passthrough(),
    ),
  })
  .passthrough();

export const statusesOf = (payload: z.infer<typeof WebhookPayload>): MessageStatus[] =>
  payload.entry.flatMap((e) =>
    e.changes.filter((c) => c.field === 'messages').flatMap((c) => c.value.statuses ?? []),
  );

/** biz_opaque_callback_data we set on every message: "<notificationId>:<part>". */
export const parseCallbackData = (
  data: string | undefined,
): { notificationId: string; part: string } | null => {
  const match = data ? /^([0-9a-f-]{36}):([a-z0-9-]+)$/.exec(data) : null;
  return match ? { notificationId: match[1]!, part: match[2]! } : null;
};
