import { createEvent, type Envelope, NotificationRequested, newEventId } from '@express-quote/contracts';
import {
  type HandlerContext,
  PermanentError,
  type Publisher,
  RetryableError,
} from '@express-quote/messaging';
import { testLogger } from '@express-quote/testing';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { type DeliveryFailure, deliveryOutcomes } from '../src/delivery-outcomes.ts';
import { createDeliveryMetrics } from '../src/metrics.ts';
import { TemplateDataError, UnknownTemplateError } from '../src/template-errors.ts';

const at = new Date('2026-05-04T08:00:00Z');

const command = (overrides: { channel?: 'sms' | 'email'; phone?: string | null } = {}) =>
  createEvent(
    NotificationRequested,
    {
      notificationId: newEventId(),
      channel: overrides.channel ?? 'sms',
      priority: 'HIGH',
      template: 'booking-confirmation-sms',
      recipient: {
        kind: 'customer',
        id: null,
        name: null,
        email: null,
        phone: overrides.phone === undefined ? '+33612345678' : overrides.phone,
      },
      data: {},
      bookingId: null,
      trigger: { eventId: 'evt_1', type: 'booking.confirmed' },
    },
    { cause: { externalId: 'evt_1' }, occurredAt: new Date(at.getTime() - 2_000) },
  );

const setup = () => {
  const published: Envelope[] = [];
  const publisher: Publisher = {
    publish: async (event) => {
      published.push(event);
      return { stream: 'NOTIFICATIONS', seq: published.length, duplicate: false } as never;
    },
  };
  const registry = new Registry();
  const outcomes = deliveryOutcomes({
    channel: 'sms',
    label: 'SMS',
    publisher,
    metrics: createDeliveryMetrics(registry),
    fallbackProvider: 'none',
    maxDeliver: 3,
    now: () => at,
  });
  const ctx = (deliveryCount: number): HandlerContext => ({
    subject: 'notify.sms.high',
    streamSequence: 1,
    deliveryCount,
    working: () => {},
    logger: testLogger(),
  });
  return { outcomes, published, registry, ctx };
};

describe('deliveryOutcomes', () => {
  it.each([
    [{ channel: 'email' as const }, 'channel email does not belong on notify.sms'],
    [{ phone: null }, 'recipient customer has no phone number'],
    [{}, null],
  ])('refuses a command that cannot go out on the channel: %j', (overrides, reason) => {
    expect(setup().outcomes.refusal(command(overrides))).toBe(reason);
  });

  it('turns template refusals into a reason and lets other errors through', () => {
    const { outcomes } = setup();
    expect(outcomes.render(() => 'text')).toEqual({ ok: true, value: 'text' });
    expect(
      outcomes.render(() => {
        throw new TemplateDataError('t', ['missing field customerName']);
      }),
    ).toEqual({ ok: false, reason: 'template t: missing field customerName' });
    expect(
      outcomes.render(() => {
        throw new UnknownTemplateError('unknown SMS template "x"');
      }),
    ).toEqual({ ok: false, reason: 'unknown SMS template "x"' });
    expect(() =>
      outcomes.render(() => {
        throw new Error('bug');
      }),
    ).toThrow('bug');
  });

  it('gives up permanently: records first, publishes notification.failed, terms', async () => {
    const { outcomes, published, registry, ctx } = setup();
    const recorded: DeliveryFailure[] = [];
    const failure = { reason: 'invalid number', retriable: false, provider: null };
    const cmd = command();
    const error = await outcomes
      .giveUp(cmd, ctx(1), failure, async (f) => {
        expect(published).toHaveLength(0);
        recorded.push(f);
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(recorded).toEqual([failure]);
    expect(published).toMatchObject([
      { type: 'notification.failed', causationId: cmd.id, data: { attempt: 1, reason: 'invalid number' } },
    ]);
    expect(await registry.metrics()).toContain(
      'eq_notifications_failed_total{channel="sms",provider="none",retriable="false"} 1',
    );
  });

  it('retries later with the delay, and gives up (retriable) on the last delivery', async () => {
    const { outcomes, published, registry, ctx } = setup();
    const cmd = command();
    const retry = {
      reason: 'every provider failed',
      metricReason: 'providers_failed',
      provider: 'twilio',
      delayMs: 5_000,
    };
    const early = await outcomes.retryLater(cmd, ctx(2), retry).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(RetryableError);
    expect((early as RetryableError).delayMs).toBe(5_000);
    expect(published).toHaveLength(0);
    expect(await registry.metrics()).toContain(
      'eq_notifications_retried_total{channel="sms",provider="twilio",reason="providers_failed"} 1',
    );

    const recorded: DeliveryFailure[] = [];
    const last = await outcomes
      .retryLater(cmd, ctx(3), retry, async (f) => {
        recorded.push(f);
      })
      .catch((e: unknown) => e);
    expect(last).toBeInstanceOf(RetryableError);
    expect((last as RetryableError).delayMs).toBeUndefined();
    const reason = 'every provider failed (gave up after 3 deliveries)';
    expect(recorded).toEqual([{ reason, retriable: true, provider: 'twilio' }]);
    expect(published).toMatchObject([
      { type: 'notification.failed', data: { reason, retriable: true, attempt: 3 } },
    ]);
  });

  it('republishes the first sent event for an already sent notification', async () => {
    const { outcomes, published, registry, ctx } = setup();
    const cmd = command();
    await outcomes.alreadySent(cmd, ctx(4), {
      attempts: 2,
      at,
      details: { provider: 'twilio', providerMessageId: 'SM1' },
    });
    expect(published).toMatchObject([
      { type: 'notification.sent', data: { attempt: 2, provider: 'twilio', at: at.toISOString() } },
    ]);
    expect(await registry.metrics()).toContain('eq_notifications_duplicates_skipped_total{channel="sms"} 1');
  });

  it('counts a send with what the recipient waited since the command', async () => {
    const { outcomes, registry } = setup();
    outcomes.countSent(command(), 'twilio', at);
    const text = await registry.metrics();
    expect(text).toContain('eq_notifications_sent_total{channel="sms",provider="twilio"} 1');
    expect(text).toContain(
      'eq_notification_end_to_end_seconds_sum{channel="sms",provider="twilio",priority="HIGH"} 2',
    );
  });

  it('retries recording SENT a few times, then gives up', async () => {
    const { outcomes } = setup();
    let calls = 0;
    const flaky = async () => {
      calls++;
      if (calls < 2) throw new Error('connection reset');
      return 'row';
    };
    await expect(outcomes.recordSent(flaky, command(), testLogger())).resolves.toBe('row');
    calls = 0;
    const broken = async () => {
      calls++;
      throw new Error('database down');
    };
    await expect(outcomes.recordSent(broken, command(), testLogger())).rejects.toThrow('database down');
    expect(calls).toBe(3);
  });
});
