import type { Channel, EventOf, NotificationRequested } from '@express-quote/contracts';
import {
  type HandlerContext,
  PermanentError,
  type Publisher,
  RetryableError,
} from '@express-quote/messaging';
import type { Logger } from 'pino';
import type { DeliveryMetrics } from './metrics.ts';
import { type SentDetails, statusEvents, subjectOf } from './status-events.ts';
import { TemplateDataError, UnknownTemplateError } from './template-errors.ts';

type Command = EventOf<typeof NotificationRequested>;

export interface DeliveryFailure {
  reason: string;
  /** False: refused for good. True: transient, but this was the last delivery. */
  retriable: boolean;
  /** Null when no provider was contacted (bad command, bad number, template data). */
  provider: string | null;
}

export interface DeliveryOutcomesOptions {
  channel: Channel;
  /** How log lines name one message: 'SMS', 'WhatsApp message', 'notification'. */
  label: string;
  publisher: Publisher;
  metrics: Pick<DeliveryMetrics, 'failed' | 'retried' | 'duplicatesSkipped' | 'sent' | 'endToEndSeconds'>;
  /** Provider label of the metrics when a failure names none. */
  fallbackProvider: string;
  /** The consumers' max_deliver: the delivery that must give up instead of asking for another. */
  maxDeliver: number;
  now: () => Date;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The skeleton every channel handler shares, as steps: refuse a command that cannot go out here, skip one already
 * SENT (republishing its `sent` event), give up (FAILED record, `notification.failed`, term or DLQ), retry later
 * (nak with a delay, or give up on the last delivery), count a send. Each outcome maps to the consumer runner's
 * ack / nak(delay) / term so JetStream owns the retries.
 */
export const deliveryOutcomes = (options: DeliveryOutcomesOptions) => {
  const { channel, label, publisher, metrics, fallbackProvider, maxDeliver, now } = options;
  const events = statusEvents(channel);

  /** Gives up for good: `record` (the FAILED row), `notification.failed`, and the error the runner turns into term or DLQ. */
  const giveUp = async (
    command: Command,
    ctx: HandlerContext,
    failure: DeliveryFailure,
    record?: (failure: DeliveryFailure) => Promise<void>,
  ): Promise<never> => {
    const attempt = ctx.deliveryCount;
    await record?.(failure);
    await publisher.publish(events.failed(subjectOf(command), attempt, now(), failure));
    metrics.failed.inc({
      channel,
      provider: failure.provider ?? fallbackProvider,
      retriable: String(failure.retriable),
    });
    ctx.logger.warn(
      { notificationId: command.data.notificationId, template: command.data.template, attempt, ...failure },
      failure.retriable ? `${label} failed: attempts exhausted` : `${label} failed permanently`,
    );
    if (failure.retriable) throw new RetryableError(failure.reason);
    throw new PermanentError(failure.reason);
  };

  return {
    events,
    giveUp,

    /** Why this command cannot go out on this channel (wrong channel, no address), or null. */
    refusal(command: Command): string | null {
      const { data } = command;
      if (data.channel !== channel) return `channel ${data.channel} does not belong on notify.${channel}`;
      if (channel === 'email' && !data.recipient.email) {
        return `recipient ${data.recipient.kind} has no e-mail address`;
      }
      if (channel !== 'email' && !data.recipient.phone) {
        return `recipient ${data.recipient.kind} has no phone number`;
      }
      return null;
    },

    /** Renders, or says why the template refuses the data (never worth a retry); other errors propagate. */
    render<T>(render: () => T): { ok: true; value: T } | { ok: false; reason: string } {
      try {
        return { ok: true, value: render() };
      } catch (error) {
        if (error instanceof TemplateDataError || error instanceof UnknownTemplateError) {
          return { ok: false, reason: error.message };
        }
        throw error;
      }
    },

    /** Not now: another delivery after `delayMs`, unless this one was the last (then FAILED, retriable). */
    async retryLater(
      command: Command,
      ctx: HandlerContext,
      retry: { reason: string; metricReason: string; provider: string | null; delayMs: number },
      record?: (failure: DeliveryFailure) => Promise<void>,
    ): Promise<never> {
      if (ctx.deliveryCount >= maxDeliver) {
        return giveUp(
          command,
          ctx,
          {
            reason: `${retry.reason} (gave up after ${ctx.deliveryCount} deliveries)`,
            retriable: true,
            provider: retry.provider,
          },
          record,
        );
      }
      metrics.retried.inc({
        channel,
        provider: retry.provider ?? fallbackProvider,
        reason: retry.metricReason,
      });
      throw new RetryableError(retry.reason, { delayMs: retry.delayMs });
    },

    /**
     * Sent before (a redelivery, or a crash before the ack): never twice. Republishes `sent` as it was, in case the
     * crash came before it was published; its id is the same, so the stream drops a copy.
     */
    async alreadySent(
      command: Command,
      ctx: HandlerContext,
      sent: { attempts: number; at: Date; details: SentDetails },
    ): Promise<void> {
      metrics.duplicatesSkipped.inc({ channel });
      await publisher.publish(events.sent(subjectOf(command), sent.attempts, sent.at, sent.details));
      ctx.logger.info(
        { notificationId: command.data.notificationId, attempt: ctx.deliveryCount },
        `${label} already sent; not sending again`,
      );
    },

    /** Counts an accepted message and what its recipient waited since the planner's command. */
    countSent(command: Command, provider: string, sentAt: Date): void {
      metrics.sent.inc({ channel, provider });
      metrics.endToEndSeconds.observe(
        { channel, provider, priority: command.data.priority },
        Math.max(0, sentAt.getTime() - Date.parse(command.occurredAt)) / 1000,
      );
    },

    /** The SENT row right after the provider's acceptance: a few quick tries keep the duplicate window short. */
    async recordSent<T>(write: () => Promise<T>, command: Command, log: Logger): Promise<T> {
      for (let i = 0; ; i++) {
        try {
          return await write();
        } catch (error) {
          if (i >= 2) throw error;
          log.warn(
            { err: (error as Error).message, notificationId: command.data.notificationId },
            'recording SENT failed; retrying',
          );
          await sleep(100 * 4 ** i);
        }
      }
    },
  };
};

export type DeliveryOutcomes = ReturnType<typeof deliveryOutcomes>;
