import type { EventOf, NotificationRequested } from '@express-quote/contracts';
import {
  backoffDelayMs,
  CircuitOpenError,
  type DeliveryFailure,
  deliveryOutcomes,
  subjectOf,
} from '@express-quote/delivery-kit';
import type { HandlerContext, Publisher } from '@express-quote/messaging';
import {
  AttachmentIntegrityError,
  type AttachmentSource,
  type PreparedAttachment,
} from '../adapters/object-store-attachments.ts';
import type { GuardedTransport } from '../adapters/smtp-circuit-breaker.ts';
import type { DeliveryRecords } from '../delivery-records.ts';
import { messageIdFor } from '../domain/message-id.ts';
import { circuitOpenDelayMs } from '../domain/retry-policy.ts';
import { classifySmtpError } from '../domain/smtp-failure.ts';
import type { EmailMetrics } from '../metrics.ts';
import type { TemplateRenderer } from '../templates/renderer.ts';

type Command = EventOf<typeof NotificationRequested>;

export interface NotificationHandlerDeps {
  renderer: TemplateRenderer;
  attachments: AttachmentSource;
  transport: GuardedTransport;
  records: DeliveryRecords;
  publisher: Publisher;
  metrics: EmailMetrics;
  settings: {
    messageIdDomain: string;
    /** The consumers' max_deliver: the delivery that must give up instead of asking for another. */
    maxDeliver: number;
    backoffMs: readonly number[];
    sendTimeoutMs: number;
  };
  now?: () => Date;
}

/**
 * One `notification.requested` on notify.email.*: skip if already sent, render, fetch attachments, send through
 * the guarded SMTP pool, record, publish status events. Every outcome maps to the runner's ack / nak(delay) /
 * term so JetStream owns retries, and every status event id derives from (notification, status, attempt).
 */
export const createNotificationRequestedHandler = (deps: NotificationHandlerDeps) => {
  const { renderer, attachments, transport, records, publisher, metrics, settings } = deps;
  const now = deps.now ?? (() => new Date());
  const provider = transport.provider;
  const labels = { channel: 'email', provider };

  const outcomes = deliveryOutcomes({
    channel: 'email',
    label: 'notification',
    publisher,
    metrics,
    fallbackProvider: provider,
    maxDeliver: settings.maxDeliver,
    now,
  });
  const status = outcomes.events;
  const recordFailed =
    (command: Command, attempt: number) =>
    (failure: DeliveryFailure): Promise<void> =>
      records.markFailed({
        notificationId: command.data.notificationId,
        messageId: messageIdFor(command.data.notificationId, settings.messageIdDomain),
        provider: failure.provider ?? provider,
        attempts: attempt,
        reason: failure.reason,
        correlationId: command.correlationId,
      });
  /** Gives up for good: FAILED row, `notification.failed`, and the error the runner turns into term + DLQ. */
  const giveUp = (command: Command, ctx: HandlerContext, failure: DeliveryFailure): Promise<never> =>
    outcomes.giveUp(command, ctx, failure, recordFailed(command, ctx.deliveryCount));
  /** Not now: another delivery later, unless this one was the last. */
  const retryLater = (
    command: Command,
    ctx: HandlerContext,
    reason: string,
    metricReason: string,
    delayMs: number,
  ): Promise<never> =>
    outcomes.retryLater(
      command,
      ctx,
      { reason, metricReason, provider, delayMs },
      recordFailed(command, ctx.deliveryCount),
    );

  return async (command: Command, ctx: HandlerContext): Promise<void> => {
    const cmd = command.data;
    const attempt = ctx.deliveryCount;
    const log = ctx.logger;
    const messageId = messageIdFor(cmd.notificationId, settings.messageIdDomain);

    // The documents are read from the Object Store while Postgres answers and the template renders: only a
    // redelivery of a sent message, or a command refused below, reads them for nothing (usually from the cache).
    const preparing = Promise.all(cmd.attachments.map((document) => attachments.prepare(document)));
    preparing.catch(() => {}); // its failure is handled where it is awaited, after the checks below
    const existing = await records.find(cmd.notificationId);
    if (existing?.status === 'SENT') {
      return outcomes.alreadySent(command, ctx, {
        attempts: existing.attempts,
        at: existing.sent_at ?? existing.updated_at,
        details: { provider: existing.provider, providerMessageId: existing.message_id },
      });
    }

    const refusal = outcomes.refusal(command);
    if (refusal) return giveUp(command, ctx, { reason: refusal, retriable: false, provider: null });
    const address = cmd.recipient.email!;

    const render = outcomes.render(() =>
      renderer.render(cmd.template, cmd.data, {
        recipient: cmd.recipient,
        documentsMissing: cmd.documentsMissing,
        attachments: cmd.attachments,
      }),
    );
    if (!render.ok) return giveUp(command, ctx, { reason: render.reason, retriable: false, provider: null });
    const rendered = render.value;

    // Open circuit: nothing is attempted until the probe is due; then this message may be the probe.
    const reopenInMs = transport.circuitReopenInMs();
    if (reopenInMs !== null && reopenInMs > 0) {
      return retryLater(
        command,
        ctx,
        'SMTP circuit open: not attempted',
        'circuit_open',
        circuitOpenDelayMs({ reopenInMs, backoffMs: settings.backoffMs, deliveryCount: attempt }),
      );
    }

    let prepared: PreparedAttachment[];
    try {
      prepared = await preparing;
    } catch (error) {
      if (error instanceof AttachmentIntegrityError) {
        return giveUp(command, ctx, { reason: error.message, retriable: false, provider: null });
      }
      return retryLater(
        command,
        ctx,
        (error as Error).message,
        'attachment_unavailable',
        backoffDelayMs(settings.backoffMs, attempt),
      );
    }

    // `sending` is published while the SMTP server works, and acknowledged before any later status event of this
    // attempt, so the stream keeps the order. It is informative only (the status fold takes SENT or FAILED without
    // it): failing to publish it is logged and never holds back, nor fails, a message the server may be accepting.
    const sending = publisher.publish(status.sending(subjectOf(command), attempt, now())).then(
      () => undefined,
      (error: unknown) =>
        log.warn(
          { notificationId: cmd.notificationId, attempt, err: (error as Error).message },
          'notification.sending not published',
        ),
    );
    const started = performance.now();
    try {
      const receipt = await transport.send(
        {
          to: { name: cmd.recipient.name, address },
          subject: rendered.subject,
          html: rendered.html,
          text: rendered.text,
          messageId,
          priority: cmd.priority === 'NORMAL' ? 'normal' : 'high',
          headers: {
            'Auto-Submitted': 'auto-generated',
            'X-Notification-Id': cmd.notificationId,
            'X-Correlation-Id': command.correlationId,
            'X-Template': cmd.template,
          },
          attachments: prepared,
        },
        { signal: AbortSignal.timeout(settings.sendTimeoutMs) },
      );
      const sentAt = now();
      metrics.sendSeconds.observe({ ...labels, outcome: 'sent' }, (performance.now() - started) / 1000);
      const record = await outcomes.recordSent(
        () =>
          records.markSent({
            notificationId: cmd.notificationId,
            messageId: receipt.messageId,
            provider,
            providerResponse: receipt.response,
            attempts: attempt,
            sentAt,
            correlationId: command.correlationId,
          }),
        command,
        log,
      );
      await sending;
      await publisher.publish(
        status.sent(subjectOf(command), record.attempts, record.sent_at ?? sentAt, {
          provider: record.provider,
          providerMessageId: record.message_id,
        }),
      );
      outcomes.countSent(command, provider, sentAt);
      log.info(
        {
          notificationId: cmd.notificationId,
          template: cmd.template,
          attempt,
          attachments: prepared.length,
          messageId,
        },
        'notification sent',
      );
    } catch (error) {
      await sending;
      if (error instanceof CircuitOpenError) {
        return retryLater(
          command,
          ctx,
          error.message,
          'circuit_open',
          circuitOpenDelayMs({
            reopenInMs: error.reopenInMs,
            backoffMs: settings.backoffMs,
            deliveryCount: attempt,
          }),
        );
      }
      metrics.sendSeconds.observe({ ...labels, outcome: 'failed' }, (performance.now() - started) / 1000);
      const failure = classifySmtpError(error);
      log.warn(
        {
          notificationId: cmd.notificationId,
          attempt,
          kind: failure.kind,
          responseCode: failure.responseCode,
          code: failure.code,
          reason: failure.reason,
        },
        'SMTP send failed',
      );
      if (failure.kind === 'permanent') {
        return giveUp(command, ctx, { reason: failure.reason, retriable: false, provider });
      }
      return retryLater(
        command,
        ctx,
        failure.reason,
        'smtp_transient',
        backoffDelayMs(settings.backoffMs, attempt),
      );
    }
  };
};
