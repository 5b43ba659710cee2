import {
  createEvent,
  deterministicId,
  NotificationFailed,
  NotificationRequested,
  NotificationSending,
  NotificationSent,
  parseEvent,
} from '@express-quote/contracts';
import { backoffDelayMs, statusEvents, subjectOf } from '@express-quote/delivery-kit';
import { describe, expect, it } from 'vitest';
import { domainOfAddress, messageIdFor } from '../src/domain/message-id.ts';
import { circuitOpenDelayMs } from '../src/domain/retry-policy.ts';
import { classifySmtpError } from '../src/domain/smtp-failure.ts';
import { TEMPLATE_SAMPLES } from './fixtures/template-data.ts';

const smtpError = (props: Record<string, unknown>, message = 'failure') =>
  Object.assign(new Error(message), props);

describe('SMTP failure classification', () => {
  it.each([
    ['451 after DATA', { responseCode: 451, code: 'EMESSAGE' }, 'transient', true],
    ['421 service not available', { responseCode: 421, code: 'EPROTOCOL' }, 'transient', true],
    ['450 mailbox busy (one recipient)', { responseCode: 450, code: 'EENVELOPE' }, 'transient', false],
    ['550 mailbox unavailable', { responseCode: 550, code: 'EENVELOPE' }, 'permanent', false],
    ['552 message too big', { responseCode: 552, code: 'EMESSAGE' }, 'permanent', false],
    ['554 transaction failed', { responseCode: 554 }, 'permanent', false],
    ['535 bad credentials', { responseCode: 535, code: 'EAUTH' }, 'transient', true],
    ['connection refused', { code: 'ESOCKET' }, 'transient', true],
    ['connection timeout', { code: 'ETIMEDOUT' }, 'transient', true],
    ['greeting never came', { code: 'ECONNECTION' }, 'transient', true],
    ['send aborted by our timeout', { name: 'AbortError', code: 'EABORT' }, 'transient', true],
    ['message could not be built', { code: 'EMESSAGE' }, 'permanent', false],
    ['anything else', {}, 'transient', true],
  ] as const)('%s %o → %s (server trouble: %s)', (_what, props, kind, serverTrouble) => {
    const failure = classifySmtpError(smtpError({ ...props }));
    expect(failure.kind).toBe(kind);
    expect(failure.serverTrouble).toBe(serverTrouble);
  });

  it('keeps the server reply in the reason without the addresses it echoes', () => {
    const failure = classifySmtpError(
      smtpError({
        responseCode: 550,
        response: '550 5.1.1 <jeanne.dupont@example.fr>: Recipient address rejected',
      }),
    );
    expect(failure.reason).toBe('SMTP 550: 550 5.1.1 <address>: Recipient address rejected');
    expect(failure.reason).not.toContain('example.fr');
  });
});

describe('retry delays', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [9, 8000],
  ])('delivery %i failed → nak %i ms (the last step repeats)', (delivery, delay) => {
    expect(backoffDelayMs([1000, 2000, 4000, 8000], delivery)).toBe(delay);
  });

  it.each([
    ['waits for the probe when that is later than the backoff', 5000, 1, 5000],
    ['never returns sooner than the backoff of this delivery', 300, 3, 4000],
    ['has a floor when the probe is due now', 0, 1, 1000],
  ])('circuit open: %s', (_what, reopenInMs, deliveryCount, expected) => {
    const backoffMs = [1000, 2000, 4000, 8000];
    expect(circuitOpenDelayMs({ reopenInMs, backoffMs, deliveryCount, random: () => 0 })).toBe(expected);
    expect(circuitOpenDelayMs({ reopenInMs, backoffMs, deliveryCount, random: () => 1 })).toBe(
      expected * 1.2,
    );
  });
});

describe('Message-ID', () => {
  it('is derived from the notification id: the same on every attempt', () => {
    expect(messageIdFor('0190f5a4-7c1e-7b3a-9f10-1a2b3c4d5e6f', 'express-quote.com')).toBe(
      '<0190f5a4-7c1e-7b3a-9f10-1a2b3c4d5e6f@express-quote.com>',
    );
  });
  it.each([
    ['Express Quote <noreply@Express-Quote.com>', 'express-quote.com'],
    ['noreply@mail.example.fr', 'mail.example.fr'],
    ['no address', null],
  ])('domain of %s', (from, domain) => expect(domainOfAddress(from)).toBe(domain));
});

describe('status events', () => {
  const notificationId = '0190f5a4-7c1e-7b3a-9f10-1a2b3c4d5e6f';
  const command = createEvent(
    NotificationRequested,
    {
      notificationId,
      channel: 'email',
      priority: 'HIGH',
      template: 'booking-confirmation',
      recipient: TEMPLATE_SAMPLES['booking-confirmation'].recipient,
      data: TEMPLATE_SAMPLES['booking-confirmation'].data,
      bookingId: '0190f5a4-7c1e-7b3a-9f10-bbbbbbbbbbbb',
      trigger: { eventId: 'evt-1', type: 'booking.confirmed' },
    },
    { cause: { id: 'planner-event', correlationId: 'evt_stripe_123' }, id: notificationId },
  );
  const at = new Date('2026-06-01T10:00:00.000Z');
  const status = statusEvents('email');
  const s = subjectOf(command);

  it('carry deterministic ids per (notification, status, attempt) and the correlation id', () => {
    const sending = status.sending(s, 2, at);
    const sent = status.sent(s, 2, at, {
      provider: 'smtp',
      providerMessageId: `<${notificationId}@x.fr>`,
    });
    const failed = status.failed(s, 5, at, { provider: 'smtp', reason: 'SMTP 451', retriable: true });
    expect(sending.id).toBe(deterministicId(notificationId, 'sending', 2));
    expect(sent.id).toBe(deterministicId(notificationId, 'sent', 2));
    expect(failed.id).toBe(deterministicId(notificationId, 'failed', 5));
    expect(status.sending(s, 2, new Date()).id).toBe(sending.id);
    expect(status.sending(s, 3, at).id).not.toBe(sending.id);
    for (const event of [sending, sent, failed]) {
      expect(event.correlationId).toBe('evt_stripe_123');
      expect(event.causationId).toBe(notificationId);
    }
    expect(parseEvent(sent, [NotificationSent]).data).toMatchObject({
      notificationId,
      channel: 'email',
      bookingId: '0190f5a4-7c1e-7b3a-9f10-bbbbbbbbbbbb',
      attempt: 2,
      provider: 'smtp',
      at: '2026-06-01T10:00:00.000Z',
    });
    expect(parseEvent(failed, [NotificationFailed]).data).toMatchObject({
      retriable: true,
      reason: 'SMTP 451',
    });
    expect(parseEvent(sending, [NotificationSending]).data.attempt).toBe(2);
  });
});
