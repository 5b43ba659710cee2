import { deterministicId } from '@express-quote/contracts';
import { waitFor } from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReminderView } from '../src/reminders/reminder-queries.ts';
import type { NotificationsService } from '../src/service.ts';
import { bookingCancelled, bookingConfirmed, bookingConfirmedData } from './fixtures.ts';
import { type Harness, type NotifyMessage, startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.cleanup();
});

// Bookings are confirmed weeks ahead of their service (the test clock, not the wall clock, decides).
const CONFIRMED_AT = '2026-05-01T10:00:00.000Z';

const remindersOf = async (bookingId: string): Promise<ReminderView[]> => {
  const res = await h.service.app.inject({ method: 'GET', url: `/api/reminders?bookingId=${bookingId}` });
  return res.statusCode === 200 ? (res.json() as { reminders: ReminderView[] }).reminders : [];
};

const scheduled = (bookingId: string, count: number) =>
  waitFor(`${count} reminders of ${bookingId}`, async () => {
    const reminders = await remindersOf(bookingId);
    return reminders.length === count && reminders;
  });

const messagesOf = async (bookingId: string): Promise<NotifyMessage[]> =>
  (await h.notifyMessages()).filter((m) => m.event.data.bookingId === bookingId && m.event.data.reminderId);

/** A booking of `date` 09:00–12:00 Paris (summer time: 07:00Z), confirmed through the stream. */
const confirm = async (date = '2026-06-15', over: Parameters<typeof bookingConfirmedData>[0] = {}) => {
  h.clock.set(CONFIRMED_AT);
  const event = bookingConfirmed({
    schedule: {
      date,
      startTime: '09:00',
      endTime: '12:00',
      timeZone: 'Europe/Paris',
      startsAt: `${date}T07:00:00.000Z`,
    },
    ...over,
  });
  await h.publish(event);
  return event;
};

describe('reminder scheduler', () => {
  it('schedules the customer reminders on booking.confirmed and fires each once, when due', async () => {
    const event = await confirm();
    const bookingId = event.data.bookingId;
    const reminders = await scheduled(bookingId, 3);
    expect(reminders.map((r) => [r.type, r.state, r.dueAt, r.messages.map((m) => m.template)])).toEqual([
      ['7d', 'SCHEDULED', '2026-06-08T07:00:00.000Z', ['booking-reminder-sms']],
      ['24h', 'SCHEDULED', '2026-06-14T07:00:00.000Z', ['booking-reminder-sms', 'booking-reminder']],
      ['1h', 'SCHEDULED', '2026-06-15T06:00:00.000Z', ['booking-reminder-sms']],
    ]);

    // A second before: nothing.
    h.clock.set('2026-06-08T06:59:59.000Z');
    await h.service.scheduler.tick();
    expect(await messagesOf(bookingId)).toEqual([]);

    h.clock.set('2026-06-08T07:00:00.000Z');
    await h.service.scheduler.tick();
    await h.service.scheduler.tick();
    const [week, ...none] = await messagesOf(bookingId);
    expect(none).toEqual([]);
    const weekReminder = reminders[0]!;
    expect(week?.subject).toBe('notify.sms.normal');
    expect(week?.event.id).toBe(deterministicId(weekReminder.reminderId, 'sms', 'booking-reminder-sms'));
    expect(week?.event.data).toMatchObject({
      notificationId: week?.event.id,
      template: 'booking-reminder-sms',
      reminderId: weekReminder.reminderId,
      recipient: { kind: 'customer', phone: '+33612345678' },
      data: { reminderType: '7d', serviceDate: '15/06/2026', bookingReference: 'EQ-2026-000123' },
      trigger: { eventId: event.id, type: 'booking.confirmed' },
    });
    // The booking's correlation chain goes on to its reminders.
    expect(week?.event.correlationId).toBe(event.correlationId);
    expect(week?.event.causationId).toBe(event.id);

    h.clock.set('2026-06-14T07:00:30.000Z');
    await h.service.scheduler.tick();
    h.clock.set('2026-06-15T06:00:00.000Z');
    await h.service.scheduler.tick();
    const all = await messagesOf(bookingId);
    expect(
      all.map((m) => [
        m.subject,
        m.event.data.template,
        (m.event.data.data as { reminderType: string }).reminderType,
      ]),
    ).toEqual([
      ['notify.sms.normal', 'booking-reminder-sms', '7d'],
      ['notify.sms.normal', 'booking-reminder-sms', '24h'],
      ['notify.email.normal', 'booking-reminder', '24h'],
      ['notify.sms.high', 'booking-reminder-sms', '1h'],
    ]);

    const settled = await remindersOf(bookingId);
    expect(settled.map((r) => [r.type, r.state, r.reason, r.notificationIds.length])).toEqual([
      ['7d', 'SENT', null, 1],
      ['24h', 'SENT', null, 2],
      ['1h', 'SENT', null, 1],
    ]);
    expect(settled.flatMap((r) => r.notificationIds).sort()).toEqual(all.map((m) => m.event.id).sort());
    const metrics = (await h.service.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/eq_reminders_fired_total\{type="24h",state="SENT"\} [1-9]/);
  });

  it('two scheduler instances racing over the same due reminders: each is fired by one of them, once', async () => {
    const events: Array<Awaited<ReturnType<typeof confirm>>> = [];
    for (let i = 0; i < 20; i++) events.push(await confirm('2026-07-20'));
    for (const e of events) await scheduled(e.data.bookingId, 3);
    const first = h.service;
    const second: NotificationsService = await h.start();
    try {
      h.clock.set('2026-07-13T07:00:00.000Z');
      // One pass each, at the same time (concurrent ticks of one instance share its pass in progress).
      const passes = await Promise.all([first.scheduler.tick(), second.scheduler.tick()]);
      const fired = passes.flat().filter((r) => events.some((e) => e.data.bookingId === r.bookingId));
      // Every 7-day reminder settled by exactly one pass (a pass returns only rows it claimed and published).
      expect(fired).toHaveLength(20);
      expect(new Set(fired.map((r) => r.reminderId)).size).toBe(20);
      expect(fired.every((r) => r.state === 'SENT' && r.type === '7d' && r.duplicates === 0)).toBe(true);
      const messages = (await h.notifyMessages()).filter((m) =>
        events.some((e) => e.data.bookingId === m.event.data.bookingId && m.event.data.reminderId),
      );
      expect(messages).toHaveLength(20);
      // Both instances are alive: another pass of either finds nothing more.
      expect(await first.scheduler.tick()).toEqual([]);
      expect(await second.scheduler.tick()).toEqual([]);
    } finally {
      await first.stop();
    }
  });

  it('survives a restart: reminders scheduled before it are fired by the new instance', async () => {
    const event = await confirm('2026-08-20');
    const bookingId = event.data.bookingId;
    await scheduled(bookingId, 3);
    await h.service.stop();
    h.clock.set('2026-08-19T07:00:00.000Z');
    await h.start();
    const fired = (await h.service.scheduler.tick()).filter((r) => r.bookingId === bookingId);
    // The 7-day one was due while the service was down and is superseded by the day-before one, sent now.
    expect(fired.map((r) => [r.type, r.state, r.reason])).toEqual([
      ['7d', 'SKIPPED', 'SUPERSEDED'],
      ['24h', 'SENT', null],
    ]);
    expect((await messagesOf(bookingId)).map((m) => m.event.data.template)).toEqual([
      'booking-reminder-sms',
      'booking-reminder',
    ]);
  });

  it('after an outage: a late reminder still useful is sent, one past its service is skipped with a reason', async () => {
    const upcoming = await confirm('2026-09-15');
    const past = await confirm('2026-09-12');
    await scheduled(upcoming.data.bookingId, 3);
    await scheduled(past.data.bookingId, 3);
    await h.service.stop();
    // Down from before the first reminder until 10:00 Paris on the 14th: three hours after a day-before reminder.
    h.clock.set('2026-09-14T08:00:00.000Z');
    await h.start();
    await h.service.scheduler.tick();

    expect((await remindersOf(upcoming.data.bookingId)).map((r) => [r.type, r.state, r.reason])).toEqual([
      ['7d', 'SKIPPED', 'SUPERSEDED'],
      ['24h', 'SENT', null],
      ['1h', 'SCHEDULED', null],
    ]);
    const sent = await messagesOf(upcoming.data.bookingId);
    expect(sent.map((m) => (m.event.data.data as { reminderType: string }).reminderType)).toEqual([
      '24h',
      '24h',
    ]);

    const pastReminders = await remindersOf(past.data.bookingId);
    expect(pastReminders.map((r) => [r.type, r.state, r.reason])).toEqual([
      ['7d', 'SKIPPED', 'SERVICE_STARTED'],
      ['24h', 'SKIPPED', 'SERVICE_STARTED'],
      ['1h', 'SKIPPED', 'SERVICE_STARTED'],
    ]);
    expect(pastReminders.every((r) => r.settledAt === '2026-09-14T08:00:00.000Z')).toBe(true);
    expect(await messagesOf(past.data.bookingId)).toEqual([]);
  });

  it('booking.cancelled cancels the scheduled reminders: none fires', async () => {
    const event = await confirm('2026-10-15');
    const bookingId = event.data.bookingId;
    await scheduled(bookingId, 3);
    await h.publish(bookingCancelled(event.data, event, 'REFUNDED'));
    const cancelled = await waitFor('the reminders cancelled', async () => {
      const reminders = await remindersOf(bookingId);
      return reminders.every((r) => r.state === 'CANCELLED') && reminders;
    });
    expect(cancelled.map((r) => r.reason)).toEqual(Array(3).fill('BOOKING_CANCELLED:REFUNDED'));
    h.clock.set('2026-10-15T06:30:00.000Z');
    await h.service.scheduler.tick();
    expect(await messagesOf(bookingId)).toEqual([]);
  });

  it('a cancellation that overtakes its confirmation: the reminders are born cancelled', async () => {
    const data = bookingConfirmedData({
      schedule: {
        date: '2026-10-20',
        startTime: '09:00',
        endTime: '12:00',
        timeZone: 'Europe/Paris',
        startsAt: '2026-10-20T07:00:00.000Z',
      },
    });
    const cancel = bookingCancelled(
      data,
      { id: crypto.randomUUID(), correlationId: 'evt_x' },
      'CUSTOMER_REQUEST',
    );
    const ack = await h.publish(cancel);
    await h.consumed(h.ns.stream('bookings'), 'notifications-booking-cancelled', ack.seq);
    const event = await confirm('2026-10-20', { bookingId: data.bookingId });
    const reminders = await scheduled(event.data.bookingId, 3);
    expect(reminders.map((r) => [r.state, r.reason])).toEqual(
      Array(3).fill(['CANCELLED', 'BOOKING_CANCELLED:CUSTOMER_REQUEST']),
    );
  });

  it('GET /api/reminders: 400 without a valid bookingId, 404 for an unknown booking, [] for one with none', async () => {
    const bad = await h.service.app.inject({ method: 'GET', url: '/api/reminders?bookingId=nope' });
    expect(bad.statusCode).toBe(400);
    const unknown = await h.service.app.inject({
      method: 'GET',
      url: `/api/reminders?bookingId=${crypto.randomUUID()}`,
    });
    expect(unknown.statusCode).toBe(404);

    // Confirmed 30 minutes before its service: nothing left to remind.
    const event = bookingConfirmed();
    h.clock.set('2026-06-15T06:30:00.000Z');
    const ack = await h.publish(event);
    await h.consumed(h.ns.stream('bookings'), 'notifications-booking-confirmed', ack.seq);
    const res = await h.service.app.inject({
      method: 'GET',
      url: `/api/reminders?bookingId=${event.data.bookingId}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ bookingId: event.data.bookingId, reminders: [] });
  });
});
