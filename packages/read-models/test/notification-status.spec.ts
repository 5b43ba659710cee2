import {
  createEvent,
  NotificationDelivered,
  NotificationFailed,
  NotificationRequested,
  NotificationSending,
  NotificationSent,
  NotificationUndelivered,
} from '@express-quote/contracts';
import { describe, expect, it } from 'vitest';
import {
  deriveStatus,
  emptyFacts,
  mergeFact,
  type NotificationStatus,
  type StatusEvent,
} from '../src/notification-status.ts';

const notificationId = crypto.randomUUID();
const bookingId = crypto.randomUUID();
const cause = { id: crypto.randomUUID(), correlationId: 'evt_stripe_1' };
const base = { notificationId, channel: 'email' as const, bookingId };
const t = (s: number) => new Date(Date.UTC(2026, 4, 1, 10, 0, s)).toISOString();

const requested = createEvent(
  NotificationRequested,
  {
    notificationId,
    channel: 'email',
    priority: 'HIGH',
    template: 'booking-confirmation',
    recipient: {
      kind: 'customer',
      id: null,
      name: 'Jean Dupont',
      email: 'jean.dupont@example.fr',
      phone: null,
    },
    data: {},
    bookingId,
    trigger: { eventId: cause.id, type: 'booking.confirmed' },
  },
  { cause, id: notificationId, occurredAt: t(0) },
);
const sending = (attempt: number, s: number) =>
  createEvent(NotificationSending, { ...base, at: t(s), attempt }, { cause });
const sent = (attempt: number, s: number, id = 'smtp-1') =>
  createEvent(
    NotificationSent,
    { ...base, at: t(s), attempt, provider: 'smtp', providerMessageId: id },
    { cause },
  );
const failed = (attempt: number, s: number, retriable: boolean, reason = '550 mailbox unavailable') =>
  createEvent(
    NotificationFailed,
    { ...base, at: t(s), attempt, provider: 'smtp', reason, retriable },
    { cause },
  );
const delivered = (s: number) =>
  createEvent(
    NotificationDelivered,
    { ...base, at: t(s), provider: 'twilio', providerMessageId: 'SM1', status: 'delivered' },
    { cause },
  );
const undelivered = (s: number) =>
  createEvent(
    NotificationUndelivered,
    { ...base, at: t(s), provider: 'twilio', providerMessageId: 'SM1', reason: 'carrier rejected' },
    { cause },
  );

const fold = (events: StatusEvent[]) => deriveStatus(events.reduce(mergeFact, emptyFacts(notificationId)));

const permutations = <T>(items: T[]): T[][] =>
  items.length <= 1
    ? [items]
    : items.flatMap((item, i) =>
        permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [item, ...p]),
      );

describe('status projection: given events (in this order), then status', () => {
  const cases: Array<{ name: string; given: StatusEvent[]; status: NotificationStatus; attempts: number }> = [
    { name: 'requested', given: [requested], status: 'PENDING', attempts: 0 },
    { name: 'requested, sending', given: [requested, sending(1, 1)], status: 'SENDING', attempts: 1 },
    {
      name: 'requested, sending, sent',
      given: [requested, sending(1, 1), sent(1, 2)],
      status: 'SENT',
      attempts: 1,
    },
    {
      name: 'late SENDING after SENT stays SENT',
      given: [requested, sent(1, 2), sending(1, 1)],
      status: 'SENT',
      attempts: 1,
    },
    {
      name: 'retried then sent (attempts 3)',
      given: [sending(1, 1), sending(2, 3), sending(3, 5), sent(3, 6)],
      status: 'SENT',
      attempts: 3,
    },
    {
      name: 'permanent failure',
      given: [requested, sending(1, 1), failed(1, 2, false)],
      status: 'FAILED',
      attempts: 1,
    },
    { name: 'status before its command', given: [sent(1, 2), requested], status: 'SENT', attempts: 1 },
    {
      name: 'failed then redriven and sent',
      given: [failed(5, 2, true), sending(1, 10), sent(1, 11)],
      status: 'SENT',
      attempts: 5,
    },
    { name: 'delivery receipt', given: [sent(1, 2), delivered(3)], status: 'DELIVERED', attempts: 1 },
    { name: 'receipt before sent', given: [delivered(3), sent(1, 2)], status: 'DELIVERED', attempts: 1 },
    { name: 'undelivered', given: [sent(1, 2), undelivered(3)], status: 'UNDELIVERED', attempts: 1 },
    {
      name: 'latest receipt wins',
      given: [undelivered(4), delivered(3)],
      status: 'UNDELIVERED',
      attempts: 0,
    },
  ];
  it.each(cases)('$name → $status', ({ given, status, attempts }) => {
    const view = fold(given);
    expect(view.status).toBe(status);
    expect(view.attempts).toBe(attempts);
  });

  it('keeps provider, provider message id, last error and timestamps', () => {
    const view = fold([requested, sending(1, 1), failed(1, 2, false, '550 no such user')]);
    expect(view).toMatchObject({
      bookingId,
      channel: 'email',
      provider: 'smtp',
      providerMessageId: null,
      lastError: '550 no such user',
      retriable: false,
      requestedAt: t(0),
      sendingAt: t(1),
      failedAt: t(2),
      sentAt: null,
      updatedAt: t(2),
    });
    const ok = fold([requested, sending(1, 1), sent(1, 2, 'abc@smtp')]);
    expect(ok).toMatchObject({
      provider: 'smtp',
      providerMessageId: 'abc@smtp',
      lastError: null,
      retriable: null,
      sentAt: t(2),
    });
  });

  it('gives the same view for every arrival order and for duplicates', () => {
    const events: StatusEvent[] = [
      requested,
      sending(1, 1),
      failed(1, 2, true, '451 try later'),
      sending(2, 3),
      sent(2, 4),
    ];
    const expected = fold(events);
    expect(expected.status).toBe('SENT');
    for (const order of permutations(events)) expect(fold(order)).toEqual(expected);
    expect(fold([...events, ...events.reverse()])).toEqual(expected);
  });

  it('refuses an event of another notification', () => {
    const other = createEvent(
      NotificationSending,
      { ...base, notificationId: crypto.randomUUID(), at: t(1), attempt: 1 },
      { cause },
    );
    expect(() => mergeFact(emptyFacts(notificationId), other)).toThrow(/merged into/);
  });
});
