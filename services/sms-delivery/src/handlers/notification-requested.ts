import type { EventOf, NotificationRequested } from '@express-quote/contracts';
import {
  retryDelayMs,
  statusEvents,
  subjectOf,
  TemplateDataError,
  UnknownTemplateError,
} from '@express-quote/delivery-kit';
import {
  type HandlerContext,
  PermanentError,
  type Publisher,
  RetryableError,
} from '@express-quote/messaging';
import type { CountryCode } from 'libphonenumber-js/max';
import type { Logger } from 'pino';
import type { OutgoingSms, SmsProvider } from '../adapters/sms-provider.ts';
import type { CommandRef, DeliveryRecords } from '../delivery-records.ts';
import { checkMobileNumber } from '../domain/phone-number.ts';
import { sendThroughChain } from '../domain/provider-chain.ts';
import { smsCostMicros } from '../domain/sms-cost.ts';
import type { SmsEncoding } from '../domain/sms-text.ts';
import type { SmsMetrics } from '../metrics.ts';
import type { RenderedSms, SmsRenderer } from '../templates/renderer.ts';

type Command = EventOf<typeof NotificationRequested>;

const status = statusEvents('sms');

export interface SmsHandlerDeps {
  renderer: SmsRenderer;
  providers: readonly SmsProvider[];
  records: DeliveryRecords;
  publisher: Publisher;
  metrics: SmsMetrics;
  settings: {
    brandName: string;
    defaultCountry: CountryCode;
    /** Origin for Twilio status callbacks; null: no delivery reports asked for. */
    publicBaseUrl: string | null;
    maxDeliver: number;
    backoffMs: readonly number[];
    sendTimeoutMs: number;
    pricePerSegmentMicros: Readonly<Record<string, number>>;
  };
  now?: () => Date;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const callbackUrlFor = (publicBaseUrl: string, notificationId: string): string =>
  `${publicBaseUrl.replace(/\/$/, '')}/api/callbacks/twilio?notificationId=${notificationId}`;

/**
 * One `notification.requested` on notify.sms.*: skip if already sent, check the number, render, send through the
 * provider chain, record, publish status events. Outcomes map to ack / nak(delay) / term so JetStream owns the
 * retries; status event ids derive from (notification, status, attempt).
 */
export const createSmsHandler = (deps: SmsHandlerDeps) => {
  const { renderer, providers, records, publisher, metrics, settings } = deps;
  const now = deps.now ?? (() => new Date());
  const refOf = (command: Command): CommandRef => ({
    notificationId: command.data.notificationId,
    commandEventId: command.id,
    correlationId: command.correlationId,
    bookingId: command.data.bookingId,
    template: command.data.template,
  });

  const giveUp = async (
    command: Command,
    ctx: HandlerContext,
    failure: { reason: string; retriable: boolean; provider: string | null },
  ): Promise<never> => {
    const attempt = ctx.deliveryCount;
    await records.markFailed(refOf(command), { attempt, provider: failure.provider, reason: failure.reason });
    await publisher.publish(status.failed(subjectOf(command), attempt, now(), failure));
    metrics.failed.inc({
      channel: 'sms',
      provider: failure.provider ?? 'none',
      retriable: String(failure.retriable),
    });
    ctx.logger.warn(
      { notificationId: command.data.notificationId, template: command.data.template, attempt, ...failure },
      failure.retriable ? 'SMS failed: attempts exhausted' : 'SMS failed permanently',
    );
    if (failure.retriable) throw new RetryableError(failure.reason);
    throw new PermanentError(failure.reason);
  };

  /** SENT row right after the provider's acceptance; a few quick tries keep the duplicate window short. */
  const recordSent = async (
    command: Command,
    sent: Parameters<DeliveryRecords['markSent']>[1],
    log: Logger,
  ) => {
    for (let i = 0; ; i++) {
      try {
        return await records.markSent(refOf(command), sent);
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
    const subject = subjectOf(command);

    const existing = await records.find(cmd.notificationId);
    if (existing?.status === 'SENT' && existing.provider && existing.provider_message_id) {
      // Sent before (redelivery, or a crash before the ack): never twice. Republish `sent` as it was, in case the
      // crash came before it was published; its id is the same, so the stream drops a copy.
      metrics.duplicatesSkipped.inc({ channel: 'sms' });
      await publisher.publish(
        status.sent(subject, existing.attempts, existing.sent_at ?? existing.updated_at, {
          provider: existing.provider,
          providerMessageId: existing.provider_message_id,
          segments: existing.segments ?? 1,
          encoding: (existing.encoding ?? 'GSM-7') as SmsEncoding,
          costMicros: existing.cost_micros === null ? null : Number(existing.cost_micros),
        }),
      );
      log.info({ notificationId: cmd.notificationId, attempt }, 'SMS already sent; not sending again');
      return;
    }

    if (cmd.channel !== 'sms') {
      return giveUp(command, ctx, {
        reason: `channel ${cmd.channel} does not belong on notify.sms`,
        retriable: false,
        provider: null,
      });
    }
    if (!cmd.recipient.phone) {
      return giveUp(command, ctx, {
        reason: `recipient ${cmd.recipient.kind} has no phone number`,
        retriable: false,
        provider: null,
      });
    }
    const phone = checkMobileNumber(cmd.recipient.phone, settings.defaultCountry);
    if (!phone.ok) return giveUp(command, ctx, { reason: phone.reason, retriable: false, provider: null });

    let rendered: RenderedSms;
    try {
      rendered = renderer.render(cmd.template, cmd.data, {
        recipient: cmd.recipient,
        brandName: settings.brandName,
      });
    } catch (error) {
      if (error instanceof TemplateDataError || error instanceof UnknownTemplateError) {
        return giveUp(command, ctx, { reason: error.message, retriable: false, provider: null });
      }
      throw error;
    }
    if (rendered.overBudget) {
      log.warn(
        { notificationId: cmd.notificationId, template: cmd.template, segments: rendered.segments },
        'SMS longer than its template allows even in its most compact form; sent anyway',
      );
    }

    await records.markSending(refOf(command), attempt);
    await publisher.publish(status.sending(subject, attempt, now()));

    const sms: OutgoingSms = {
      notificationId: cmd.notificationId,
      to: phone.e164,
      text: rendered.text,
      encoding: rendered.encoding,
      segments: rendered.segments,
      recipientKind: cmd.recipient.kind,
      statusCallbackUrl: settings.publicBaseUrl
        ? callbackUrlFor(settings.publicBaseUrl, cmd.notificationId)
        : null,
    };
    const result = await sendThroughChain(providers, sms, {
      timeoutMs: settings.sendTimeoutMs,
      onAttempt: (a) => {
        metrics.providerAttempts.inc({ provider: a.provider, outcome: a.outcome });
        if (a.outcome !== 'circuit_open') {
          metrics.sendSeconds.observe(
            { channel: 'sms', provider: a.provider, outcome: a.outcome },
            a.durationMs / 1000,
          );
        }
        if (a.outcome !== 'sent') {
          log.warn(
            {
              notificationId: cmd.notificationId,
              attempt,
              provider: a.provider,
              outcome: a.outcome,
              code: a.code,
              reason: a.reason,
            },
            'SMS provider did not take the message',
          );
        }
      },
    });

    switch (result.outcome) {
      case 'sent': {
        const sentAt = now();
        const costMicros = smsCostMicros({
          provider: result.provider,
          segments: rendered.segments,
          fromProvider: result.receipt.costMicros,
          pricePerSegmentMicros: settings.pricePerSegmentMicros,
        });
        const record = await recordSent(
          command,
          {
            attempt,
            provider: result.provider,
            providerMessageId: result.receipt.providerMessageId,
            segments: rendered.segments,
            encoding: rendered.encoding,
            costMicros,
            sentAt,
          },
          log,
        );
        await publisher.publish(
          status.sent(subject, record.attempts, record.sent_at ?? sentAt, {
            provider: record.provider ?? result.provider,
            providerMessageId: record.provider_message_id ?? result.receipt.providerMessageId,
            segments: record.segments ?? rendered.segments,
            encoding: (record.encoding ?? rendered.encoding) as SmsEncoding,
            costMicros: record.cost_micros === null ? null : Number(record.cost_micros),
          }),
        );
        metrics.sent.inc({ channel: 'sms', provider: result.provider });
        metrics.segments.inc({ provider: result.provider, encoding: rendered.encoding }, rendered.segments);
        if (costMicros !== null) metrics.costEuros.inc({ provider: result.provider }, costMicros / 1_000_000);
        metrics.endToEndSeconds.observe(
          { channel: 'sms', provider: result.provider, priority: cmd.priority },
          Math.max(0, sentAt.getTime() - Date.parse(command.occurredAt)) / 1000,
        );
        log.info(
          {
            notificationId: cmd.notificationId,
            template: cmd.template,
            attempt,
            provider: result.provider,
            providerMessageId: result.receipt.providerMessageId,
            segments: rendered.segments,
            encoding: rendered.encoding,
            fallbacks: result.attempts.length - 1,
          },
          'SMS sent',
        );
        return;
      }
      case 'recipient_refused':
        return giveUp(command, ctx, { reason: result.reason, retriable: false, provider: result.provider });
      case 'unreachable':
        return giveUp(command, ctx, { reason: result.reason, retriable: false, provider: null });
      case 'all_failed': {
        if (attempt >= settings.maxDeliver) {
          return giveUp(command, ctx, {
            reason: `every provider failed: ${result.reason} (gave up after ${attempt} deliveries)`,
            retriable: true,
            provider: result.attempts.at(-1)?.provider ?? null,
          });
        }
        const circuitOnly = result.attempts.every((a) => a.outcome === 'circuit_open');
        metrics.retried.inc({
          channel: 'sms',
          provider: result.attempts.at(-1)?.provider ?? 'none',
          reason: circuitOnly ? 'circuit_open' : 'providers_failed',
        });
        throw new RetryableError(`every SMS provider failed: ${result.reason}`, {
          delayMs: retryDelayMs({
            backoffMs: settings.backoffMs,
            deliveryCount: attempt,
            atLeastMs: result.retryAfterMs,
          }),
        });
      }
      default: {
        const unreachable: never = result;
        throw new Error(`unknown chain outcome ${(unreachable as { outcome: string }).outcome}`);
      }
    }
  };
};
