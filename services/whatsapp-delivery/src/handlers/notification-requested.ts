import type { EventOf, NotificationRequested } from '@express-quote/contracts';
import {
  CircuitOpenError,
  commandRefOf,
  type DeliveryFailure,
  deliveryOutcomes,
  retryDelayMs,
  subjectOf,
} from '@express-quote/delivery-kit';
import type { HandlerContext, Publisher } from '@express-quote/messaging';
import type { CountryCode } from 'libphonenumber-js/max';
import type { CloudApi, TemplateMessage } from '../adapters/cloud-api.ts';
import { DocumentIntegrityError, type DocumentUploader } from '../adapters/documents.ts';
import type { CommandRef, DeliveryRecords } from '../delivery-records.ts';
import { WhatsAppApiError } from '../domain/graph-error.ts';
import { checkWhatsAppNumber } from '../domain/phone-number.ts';
import { PROVIDER } from '../domain/provider.ts';
import type { WhatsAppMetrics } from '../metrics.ts';
import type { WhatsAppRenderer } from '../templates/renderer.ts';

type Command = EventOf<typeof NotificationRequested>;

export interface WhatsAppHandlerDeps {
  renderer: WhatsAppRenderer;
  api: CloudApi;
  documents: DocumentUploader;
  records: DeliveryRecords;
  publisher: Publisher;
  metrics: WhatsAppMetrics;
  settings: {
    brandName: string;
    defaultCountry: CountryCode;
    templateLanguage: string;
    maxDeliver: number;
    backoffMs: readonly number[];
  };
  now?: () => Date;
}

export const callbackData = (notificationId: string, part: string) => `${notificationId}:${part}`;

/**
 * One `notification.requested` on notify.whatsapp.*: skip if sent, check the number, render, send the free-form
 * text (then the documents) inside the 24-hour window or, when Meta says the window is closed (131047), the approved
 * template with the first document in its header. Every API call is recorded as a part, so a redelivery resends
 * only what is missing.
 */
export const createWhatsAppHandler = (deps: WhatsAppHandlerDeps) => {
  const { renderer, api, documents, records, publisher, metrics, settings } = deps;
  const now = deps.now ?? (() => new Date());
  const labels = { channel: 'whatsapp', provider: PROVIDER };

  const outcomes = deliveryOutcomes({
    channel: 'whatsapp',
    label: 'WhatsApp message',
    publisher,
    metrics,
    fallbackProvider: PROVIDER,
    maxDeliver: settings.maxDeliver,
    now,
  });
  const status = outcomes.events;
  /** Without a ref (refused before any row was written) nothing is recorded and no provider is named. */
  const recordFailed =
    (ref: CommandRef | null, attempt: number) =>
    async (failure: DeliveryFailure): Promise<void> => {
      if (ref) await records.markFailed(ref, { attempt, reason: failure.reason });
    };
  const giveUp = (
    command: Command,
    ref: CommandRef | null,
    ctx: HandlerContext,
    failure: { reason: string; retriable: boolean },
  ): Promise<never> =>
    outcomes.giveUp(
      command,
      ctx,
      { ...failure, provider: ref ? PROVIDER : null },
      recordFailed(ref, ctx.deliveryCount),
    );

  return async (command: Command, ctx: HandlerContext): Promise<void> => {
    const cmd = command.data;
    const attempt = ctx.deliveryCount;
    const log = ctx.logger;
    const subject = subjectOf(command);

    const existing = await records.find(cmd.notificationId);
    if (existing?.status === 'SENT' && existing.provider_message_id) {
      return outcomes.alreadySent(command, ctx, {
        attempts: existing.attempts,
        at: existing.sent_at ?? existing.updated_at,
        details: { provider: PROVIDER, providerMessageId: existing.provider_message_id },
      });
    }
    const refusal = outcomes.refusal(command);
    if (refusal) return giveUp(command, null, ctx, { reason: refusal, retriable: false });
    const phone = checkWhatsAppNumber(cmd.recipient.phone!, settings.defaultCountry);
    if (!phone.ok) return giveUp(command, null, ctx, { reason: phone.reason, retriable: false });
    const render = outcomes.render(() =>
      renderer.render(cmd.template, cmd.data, { recipient: cmd.recipient, brandName: settings.brandName }),
    );
    if (!render.ok) return giveUp(command, null, ctx, { reason: render.reason, retriable: false });
    const rendered = render.value;
    const ref: CommandRef = { ...commandRefOf(command), waId: phone.waId };
    await records.markSending(ref, attempt);
    await publisher.publish(status.sending(subject, attempt, now()));

    const to = phone.waId;
    const sent = await records.sentParts(cmd.notificationId);
    const started = performance.now();
    const templateMessage = async (): Promise<TemplateMessage> => {
      const first = cmd.attachments[0];
      return {
        name: rendered.approved.name,
        language: settings.templateLanguage,
        bodyParameters: rendered.approved.bodyParameters,
        headerDocument:
          rendered.approved.documentHeader && first
            ? { id: await documents.mediaIdFor(first), filename: first.filename }
            : null,
      };
    };
    try {
      let main = sent.get('template') ?? sent.get('text');
      let kind: 'text' | 'template' = sent.has('template') ? 'template' : 'text';
      let fallback: TemplateMessage | null = null;
      if (!main) {
        try {
          main = await api.sendText(to, rendered.text, callbackData(cmd.notificationId, 'text'));
          await records.recordPart(cmd.notificationId, 'text', main);
          // Kept for a refusal that only comes later, in a status webhook.
          fallback = await templateMessage();
        } catch (error) {
          if (!(error instanceof WhatsAppApiError && error.kind === 'window_closed')) throw error;
          log.info(
            { notificationId: cmd.notificationId, template: rendered.approved.name },
            'outside the 24-hour window: sending the approved template',
          );
          metrics.templateFallbacks.inc({ source: 'send' });
          main = await api.sendTemplate(
            to,
            await templateMessage(),
            callbackData(cmd.notificationId, 'template'),
          );
          await records.recordPart(cmd.notificationId, 'template', main);
          kind = 'template';
        }
      }
      // Documents are free-form messages: inside the window only (outside, the first one rode in the template).
      if (kind === 'text') {
        for (const [i, document] of cmd.attachments.entries()) {
          const part = `document-${i + 1}`;
          if (sent.has(part)) continue;
          const wamid = await api.sendDocument(
            to,
            { id: await documents.mediaIdFor(document), filename: document.filename },
            callbackData(cmd.notificationId, part),
          );
          await records.recordPart(cmd.notificationId, part, wamid);
          ctx.working();
        }
      }
      const sentAt = now();
      metrics.sendSeconds.observe({ ...labels, outcome: 'sent' }, (performance.now() - started) / 1000);
      const record = await records.markSent(cmd.notificationId, {
        attempt,
        wamid: main,
        kind,
        fallback,
        sentAt,
      });
      await publisher.publish(
        status.sent(subject, record.attempts, record.sent_at ?? sentAt, {
          provider: PROVIDER,
          providerMessageId: record.provider_message_id ?? main,
        }),
      );
      outcomes.countSent(command, PROVIDER, sentAt);
      log.info(
        {
          notificationId: cmd.notificationId,
          template: cmd.template,
          attempt,
          kind,
          documents: kind === 'text' ? cmd.attachments.length : 0,
          wamid: main,
        },
        'WhatsApp message sent',
      );
    } catch (error) {
      if (error instanceof DocumentIntegrityError)
        return giveUp(command, ref, ctx, { reason: error.message, retriable: false });
      if (error instanceof WhatsAppApiError && error.kind !== 'transient') {
        metrics.sendSeconds.observe({ ...labels, outcome: 'refused' }, (performance.now() - started) / 1000);
        return giveUp(command, ref, ctx, { reason: error.message, retriable: false });
      }
      const reason = error instanceof Error ? error.message : String(error);
      if (attempt < settings.maxDeliver) {
        log.warn(
          { notificationId: cmd.notificationId, attempt, reason },
          'WhatsApp send failed; retrying later',
        );
      }
      return outcomes.retryLater(
        command,
        ctx,
        {
          reason,
          metricReason: error instanceof CircuitOpenError ? 'circuit_open' : 'api_unavailable',
          provider: PROVIDER,
          delayMs: retryDelayMs({
            backoffMs: settings.backoffMs,
            deliveryCount: attempt,
            atLeastMs: error instanceof WhatsAppApiError ? error.retryAfterMs : null,
          }),
        },
        recordFailed(ref, attempt),
      );
    }
  };
};
