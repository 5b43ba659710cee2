import type { EventOf, NotificationRequested } from '@express-quote/contracts';
import {
  commandRefOf,
  type DeliveryFailure,
  deliveryOutcomes,
  retryDelayMs,
  subjectOf,
} from '@express-quote/delivery-kit';
import type { HandlerContext, Publisher } from '@express-quote/messaging';
import type { CountryCode } from 'libphonenumber-js/max';
import type { OutgoingSms, SmsProvider } from '../adapters/sms-provider.ts';
import type { DeliveryRecords } from '../delivery-records.ts';
import { checkMobileNumber } from '../domain/phone-number.ts';
import { sendThroughChain } from '../domain/provider-chain.ts';
import { smsCostMicros } from '../domain/sms-cost.ts';
import type { SmsEncoding } from '../domain/sms-text.ts';
import type { SmsMetrics } from '../metrics.ts';
import type { SmsRenderer } from '../templates/renderer.ts';

type Command = EventOf<typeof NotificationRequested>;

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

  const outcomes = deliveryOutcomes({
    channel: 'sms',
    label: 'SMS',
    publisher,
    metrics,
    fallbackProvider: 'none',
    maxDeliver: settings.maxDeliver,
    now,
  });
  const status = outcomes.events;
  /** FAILED row first, then `notification.failed`: support finds the reason where the event points. */
  const recordFailed =
    (command: Command, attempt: number) =>
    (failure: DeliveryFailure): Promise<void> =>
      records.markFailed(commandRefOf(command), {
        attempt,
        provider: failure.provider,
        reason: failure.reason,
      });
  const giveUp = (command: Command, ctx: HandlerContext, failure: DeliveryFailure): Promise<never> =>
    outcomes.giveUp(command, ctx, failure, recordFailed(command, ctx.deliveryCount));

  return async (command: Command, ctx: HandlerContext): Promise<void> => {
    const cmd = command.data;
    const attempt = ctx.deliveryCount;
    const log = ctx.logger;
    const subject = subjectOf(command);

    const existing = await records.find(cmd.notificationId);
    if (existing?.status === 'SENT' && existing.provider && existing.provider_message_id) {
      return outcomes.alreadySent(command, ctx, {
        attempts: existing.attempts,
        at: existing.sent_at ?? existing.updated_at,
        details: {
          provider: existing.provider,
          providerMessageId: existing.provider_message_id,
          segments: existing.segments ?? 1,
          encoding: (existing.encoding ?? 'GSM-7') as SmsEncoding,
          costMicros: existing.cost_micros === null ? null : Number(existing.cost_micros),
        },
      });
    }

    const refusal = outcomes.refusal(command);
    if (refusal) return giveUp(command, ctx, { reason: refusal, retriable: false, provider: null });
    const phone = checkMobileNumber(cmd.recipient.phone!, settings.defaultCountry);
    if (!phone.ok) return giveUp(command, ctx, { reason: phone.reason, retriable: false, provider: null });

    const render = outcomes.render(() =>
      renderer.render(cmd.template, cmd.data, { recipient: cmd.recipient, brandName: settings.brandName }),
    );
    if (!render.ok) return giveUp(command, ctx, { reason: render.reason, retriable: false, provider: null });
    const rendered = render.value;
    if (rendered.overBudget) {
      log.warn(
        { notificationId: cmd.notificationId, template: cmd.template, segments: rendered.segments },
        'SMS longer than its template allows even in its most compact form; sent anyway',
      );
    }

    await records.markSending(commandRefOf(command), attempt);
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
        const record = await outcomes.recordSent(
          () =>
            records.markSent(commandRefOf(command), {
              attempt,
              provider: result.provider,
              providerMessageId: result.receipt.providerMessageId,
              segments: rendered.segments,
              encoding: rendered.encoding,
              costMicros,
              sentAt,
            }),
          command,
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
        outcomes.countSent(command, result.provider, sentAt);
        metrics.segments.inc({ provider: result.provider, encoding: rendered.encoding }, rendered.segments);
        if (costMicros !== null) metrics.costEuros.inc({ provider: result.provider }, costMicros / 1_000_000);
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
        const circuitOnly = result.attempts.every((a) => a.outcome === 'circuit_open');
        return outcomes.retryLater(
          command,
          ctx,
          {
            reason: `every provider failed: ${result.reason}`,
            metricReason: circuitOnly ? 'circuit_open' : 'providers_failed',
            provider: result.attempts.at(-1)?.provider ?? null,
            delayMs: retryDelayMs({
              backoffMs: settings.backoffMs,
              deliveryCount: attempt,
              atLeastMs: result.retryAfterMs,
            }),
          },
          recordFailed(command, attempt),
        );
      }
      default: {
        const unreachable: never = result;
        throw new Error(`unknown chain outcome ${(unreachable as { outcome: string }).outcome}`);
      }
    }
  };
};
