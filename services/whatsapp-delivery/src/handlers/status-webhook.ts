import { statusEvents, subjectOfRow } from '@express-quote/delivery-kit';
import type { Publisher } from '@express-quote/messaging';
import type { FastifyBaseLogger } from 'fastify';
import type { CloudApi } from '../adapters/cloud-api.ts';
import type { DeliveryRecords } from '../delivery-records.ts';
import { pricingOf } from '../domain/conversation-pricing.ts';
import { PROVIDER } from '../domain/provider.ts';
import { type MessageStatus, parseCallbackData } from '../domain/webhook-payload.ts';
import type { WhatsAppMetrics } from '../metrics.ts';
import { callbackData } from './notification-requested.ts';

export interface StatusWebhookDeps {
  records: DeliveryRecords;
  publisher: Publisher;
  api: CloudApi;
  metrics: WhatsAppMetrics;
  priceMicros: Readonly<Record<string, number>>;
}

const events = statusEvents('whatsapp');

const MAIN_PARTS = new Set(['text', 'template']);

/**
 * One status of a signed webhook: delivered / read → `notification.delivered`, failed → `notification.undelivered`
 * (or, for a free-form text Meta refused after accepting it because the 24-hour window was closed, the approved
 * template sent once in its place), and the conversation pricing recorded once per notification. Statuses of
 * documents sent after the main message, and of messages that are not ours, are ignored.
 */
export const createStatusProcessor = (deps: StatusWebhookDeps) => {
  const { records, publisher, api, metrics } = deps;
  return async (status: MessageStatus, log: FastifyBaseLogger): Promise<void> => {
    metrics.deliveryReports.inc({ channel: 'whatsapp', provider: PROVIDER, status: status.status });
    const opaque = parseCallbackData(status.biz_opaque_callback_data);
    const found = await records.findByMessage(status.id);
    const record = found?.record ?? (opaque ? await records.find(opaque.notificationId) : undefined);
    const part = found?.part ?? opaque?.part;
    if (!record || !part) {
      log.info({ wamid: status.id, status: status.status }, 'status of an unknown WhatsApp message ignored');
      return;
    }
    // Documents sent after the main message, and a text superseded by its template, say nothing about the notification.
    if (!MAIN_PARTS.has(part) || (record.provider_message_id && record.provider_message_id !== status.id))
      return;
    const subject = subjectOfRow(record);
    const at = new Date(Number(status.timestamp) * 1000);
    const pricing = pricingOf(status, deps.priceMicros);
    if (pricing && (await records.recordCost(record.notification_id, pricing.costMicros, pricing.category))) {
      metrics.costEuros.inc({ category: pricing.category }, pricing.costMicros / 1_000_000);
    }

    switch (status.status) {
      case 'delivered':
      case 'read':
        await publisher.publish(
          events.delivered(subject, at, {
            provider: PROVIDER,
            providerMessageId: status.id,
            status: status.status,
            pricing,
          }),
        );
        break;
      case 'failed': {
        const error = status.errors?.[0];
        if (error?.code === 131047 && part === 'text') {
          // The refusal can overtake our own SENT record (the fallback template is stored with it): come back later.
          if (record.status !== 'SENT') throw new Error('refusal of a message not yet recorded as sent');
          const claimed = await records.claimFallback(record.notification_id, status.id);
          if (!claimed?.fallback) return;
          try {
            const wamid = await api.sendTemplate(
              claimed.wa_id,
              claimed.fallback,
              callbackData(record.notification_id, 'template'),
            );
            await records.recordPart(record.notification_id, 'template', wamid);
            const attempt = claimed.attempts + 1;
            await records.fallbackSent(record.notification_id, wamid, attempt);
            metrics.templateFallbacks.inc({ source: 'webhook' });
            await publisher.publish(
              events.sent(subject, attempt, new Date(), { provider: PROVIDER, providerMessageId: wamid }),
            );
            log.info(
              { notificationId: record.notification_id, wamid },
              'text refused outside the 24-hour window: approved template sent',
            );
          } catch (sendError) {
            await records.releaseFallback(record.notification_id);
            throw sendError;
          }
          return;
        }
        const code = error ? String(error.code) : null;
        await publisher.publish(
          events.undelivered(subject, at, {
            provider: PROVIDER,
            providerMessageId: status.id,
            reason: `whatsapp failed${error ? ` (error ${error.code}: ${error.title ?? error.message ?? 'unknown'})` : ''}`,
            errorCode: code,
            pricing,
          }),
        );
        break;
      }
      default:
        return;
    }
    await records.recordDeliveryStatus(record.notification_id, status.status, at);
  };
};
