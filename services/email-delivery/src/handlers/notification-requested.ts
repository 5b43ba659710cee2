import type { EventOf, NotificationRequested } from '@express-quote/contracts';
import {
  backoffDelayMs,
  CircuitOpenError,
  statusEvents,
  subjectOf,
  UnknownTemplateError,
} from '@express-quote/delivery-kit';
import {
  type HandlerContext,
  PermanentError,
  type Publisher,
  RetryableError,
} from '@express-quote/messaging';
import type { Logger } from 'pino';
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
import { type RenderedEmail, TemplateDataError, type TemplateRenderer } from '../templates/renderer.ts';

type Command = EventOf<typeof NotificationRequested>;

const status = statusEvents('email');

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

  /** Gives up for good: FAILED row, `notification.failed`, and the error the runner turns into term + DLQ. */
  const giveUp = async (
    command: Command,
    ctx: HandlerContext,
    failure: { reason: string; retriable: boolean; provider: string | null },
  ): Promise<never> => {
    const { notificationId } = command.data;
    const attempt = ctx.deliveryCount;
    await records.markFailed({
      notificationId,
      messageId: messageIdFor(notificationId, settings.messageIdDomain),
      provider: failure.provider ?? provider,
      attempts: attempt,
      reason: failure.reason,
      correlationId: command.correlationId,
    });
    await publisher.publish(status.failed(subjectOf(command), attempt, now(), failure));
    metrics.failed.inc({ ...labels, retriable: String(failure.retriable) });
    ctx.logger.warn(
      {
        notificationId,
        template: command.data.template,
        attempt,
        reason: failure.reason,
        retriable: failure.retriable,
      },
      failure.retriable ? 'notification failed: attempts exhausted' : 'notification failed permanently',
    );
    if (failure.retriable) throw new RetryableError(failure.reason);
    throw new PermanentError(failure.reason);
  };

  /** Not now: another delivery later, unless this one was the last. */
  const retryLater = async (
    command: Command,
    ctx: HandlerContext,
    reason: string,
    metricReason: string,
    delayMs: number,
  ): Promise<never> => {
    if (ctx.deliveryCount >= settings.maxDeliver) {
      return giveUp(command, ctx, {
        reason: `${reason} (gave up after ${ctx.deliveryCount} deliveries)`,
        retriable: true,
        provider,
      });
    }
    metrics.retried.inc({ ...labels, reason: metricReason });
    throw new RetryableError(reason, { delayMs });
  };

  /** SENT row right after the server's acceptance; a few quick tries keep the duplicate window short. */
  const recordSent = async (
    command: Command,
    attempt: number,
    messageId: string,
    response: string,
    at: Date,
    log: Logger,
  ) => {
    for (let i = 0; ; i++) {
      try {
        return await records.markSent({
          notificationId: command.data.notificationId,
          messageId,
          provider,
          providerResponse: response,
          attempts: attempt,
          sentAt: at,
          correlationId: command.correlationId,
        });
      } catch (error) {
        if (i >= 2) throw error;
        log.warn(
          { err: (error as Error).message, notificationId: command.data.notificationId },
          'recording SENT failed; retrying',
        );
        await sleep(100 * 4 ** i);
      }
    }
  };

  return async (command: Command, ctx: HandlerContext): Promise<void> => {
    const cmd = command.data;
    const attempt = ctx.deliveryCount;
    const log = ctx.logger;
    const messageId = messageIdFor(cmd.notificationId, settings.messageIdDomain);

    const existing = await records.find(cmd.notificationId);
    if (existing?.status === 'SENT') {
      // Sent before (redelivery, or a crash before the ack): never send twice. Republish `sent` as it was, in
      // case the crash came before it was published; its id is the same, so the stream drops a copy.
      metrics.duplicatesSkipped.inc({ channel: 'email' });
      await publisher.publish(
        status.sent(subjectOf(command), existing.attempts, existing.sent_at ?? existing.updated_at, {
          provider: existing.provider,
          providerMessageId: existing.message_id,
        }),
      );
      log.info(
        { notificationId: cmd.notificationId, attempt },
        'notification already sent; not sending again',
      );
      return;
    }

    if (cmd.channel !== 'email') {
      return giveUp(command, ctx, {
        reason: `channel ${cmd.channel} does not belong on notify.email`,
        retriable: false,
        provider: null,
      });
    }
    const address = cmd.recipient.email;
    if (!address) {
      return giveUp(command, ctx, {
        reason: `recipient ${cmd.recipient.kind} has no e-mail address`,
        retriable: false,
        provider: null,
      });
    }

    let rendered: RenderedEmail;
    try {
      rendered = renderer.render(cmd.template, cmd.data, {
        recipient: cmd.recipient,
        documentsMissing: cmd.documentsMissing,
        attachments: cmd.attachments,
      });
    } catch (error) {
      if (error instanceof TemplateDataError || error instanceof UnknownTemplateError) {
        return giveUp(command, ctx, { reason: error.message, retriable: false, provider: null });
      }
      throw error;
    }

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
      prepared = await Promise.all(cmd.attachments.map((document) => attachments.prepare(document)));
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

    await publisher.publish(status.sending(subjectOf(command), attempt, now()));
    const started = performance.now();
    try {
      const receipt = await transport.send(
        {
          to: { name: cmd.recipient.name, address },
          subject: rendered.subject,
          html: rendered.html,
          text: rendered.text,
          messageId,
          priority: cmd.priority === 'HIGH' ? 'high' : 'normal',
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
      const record = await recordSent(command, attempt, receipt.messageId, receipt.response, sentAt, log);
      await publisher.publish(
        status.sent(subjectOf(command), record.attempts, record.sent_at ?? sentAt, {
          provider: record.provider,
          providerMessageId: record.message_id,
        }),
      );
      metrics.sent.inc(labels);
      metrics.endToEndSeconds.observe(
        { ...labels, priority: cmd.priority },
        Math.max(0, sentAt.getTime() - Date.parse(command.occurredAt)) / 1000,
      );
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
