import { AttributionCompleted, deterministicId } from '@express-quote/contracts';
import { waitFor } from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReminderView } from '../src/reminders/reminder-queries.ts';
import {
  attributionCancelled,
  attributionCompleted,
  attributionNeedsStaff,
  bookingCancelled,
  bookingConfirmed,
  professional,
} from './fixtures.ts';
import { type Harness, type NotifyMessage, startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ CUSTOMER_ASSIGNED_EMAIL_ENABLED: 'true' });
  h.clock.set('2026-05-01T10:00:00.000Z');
});
afterAll(async () => {
  await h?.cleanup();
});

const triggeredBy = async (eventId: string, atLeast: number): Promise<NotifyMessage[]> =>
  waitFor(`${atLeast} messages of ${eventId}`, async () => {
    const mine = (await h.notifyMessages()).filter(
      (m) => (m.event.data.trigger as { eventId: string }).eventId === eventId,
    );
    return mine.length >= atLeast && mine;
  });

const remindersOf = async (bookingId: string): Promise<ReminderView[]> => {
  const res = await h.service.app.inject({ method: 'GET', url: `/api/reminders?bookingId=${bookingId}` });
  return (res.json() as { reminders: ReminderView[] }).reminders;
};

const recipientOf = (m: NotifyMessage) =>
  m.event.data.recipient as { kind: string; email: string; id: string };

describe('after an attribution', () => {
  it('accepted: winner, staff, customer and the other professionals told; day-of reminder scheduled and fired at 04:00', async () => {
    const confirmed = bookingConfirmed();
    const bookingId = confirmed.data.bookingId;
    await h.publish(confirmed);
    const winner = professional(1);
    const others = [professional(2), professional(3)];
    const completed = attributionCompleted(confirmed.data, confirmed, { winner, others });
    await h.publish(completed);

    const messages = await triggeredBy(completed.id, 7);
    expect(
      messages
        .map((m) => [m.subject, m.event.data.template, recipientOf(m).kind, recipientOf(m).email])
        .sort((a, b) => `${a[1]}${a[3]}`.localeCompare(`${b[1]}${b[3]}`)),
    ).toEqual(
      [
        ['notify.email.normal', 'mission-assigned', 'professional', winner.email],
        ['notify.email.normal', 'mission-taken', 'professional', others[0]!.email],
        ['notify.email.normal', 'mission-taken', 'professional', others[1]!.email],
        ['notify.email.normal', 'professional-assigned', 'customer', 'jean.dupont@example.fr'],
        ['notify.email.normal', 'staff-alert', 'staff', 'admin@express-quote.test'],
        ['notify.email.normal', 'staff-alert', 'staff', 'moving-lead@express-quote.test'],
        ['notify.email.normal', 'staff-alert', 'staff', 'ops@express-quote.test'],
      ].sort((a, b) => `${a[1]}${a[3]}`.localeCompare(`${b[1]}${b[3]}`)),
    );
    for (const m of messages) {
      expect(m.event.id).toBe(
        deterministicId(
          completed.id,
          recipientOf(m).email.toLowerCase(),
          'email',
          String(m.event.data.template),
        ),
      );
      // One chain from the Stripe event to the last message.
      expect(m.event.correlationId).toBe(confirmed.correlationId);
      expect(m.event.causationId).toBe(completed.id);
    }
    const assigned = messages.find((m) => m.event.data.template === 'mission-assigned');
    expect(assigned?.event.data.data).toMatchObject({
      customerName: 'Jean Dupont',
      pickupAddress: '12 rue de la Paix, 75002 Paris',
    });

    const dayOf = await waitFor('the day-of reminder', async () =>
      (await remindersOf(bookingId)).find((r) => r.type === 'day-of'),
    );
    expect(dayOf).toMatchObject({
      state: 'SCHEDULED',
      attributionId: completed.data.attributionId,
      dueAt: '2026-06-15T02:00:00.000Z',
      recipient: { kind: 'professional', id: winner.professionalId, phone: winner.phone },
      messages: [{ medium: 'text', template: 'mission-reminder-sms' }],
      trigger: { eventId: completed.id, type: AttributionCompleted.type },
    });

    h.clock.set('2026-06-15T02:00:00.000Z');
    await h.service.scheduler.tick();
    const [sms, ...more] = (await h.notifyMessages()).filter(
      (m) => m.event.data.reminderId === dayOf.reminderId,
    );
    expect(more).toEqual([]);
    expect(sms?.subject).toBe('notify.sms.high');
    expect(sms?.event.data).toMatchObject({
      template: 'mission-reminder-sms',
      recipient: { kind: 'professional', phone: winner.phone },
      data: {
        bookingReference: 'EQ-2026-000123',
        serviceTime: '09h00 – 12h00',
        customerPhone: '+33612345678',
      },
    });
    h.clock.set('2026-05-01T10:00:00.000Z');
  });

  it('a redelivered attribution.completed plans and schedules nothing more', async () => {
    const confirmed = bookingConfirmed();
    await h.publish(confirmed);
    const completed = attributionCompleted(confirmed.data, confirmed);
    await h.publish(completed);
    const before = await triggeredBy(completed.id, 7);
    const ack = await h.redeliver(completed, AttributionCompleted.subject);
    await h.consumed(h.ns.stream('attribution'), 'notifications-attribution-completed', ack.seq);
    await h.service.poller.tick();
    const after = (await h.notifyMessages()).filter(
      (m) => (m.event.data.trigger as { eventId: string }).eventId === completed.id,
    );
    expect(after).toHaveLength(before.length);
    expect((await remindersOf(confirmed.data.bookingId)).filter((r) => r.type === 'day-of')).toHaveLength(1);
  });

  it('an attribution.completed that overtakes its booking.confirmed is retried until the booking is known', async () => {
    const confirmed = bookingConfirmed();
    const completed = attributionCompleted(confirmed.data, confirmed);
    await h.publish(completed);
    // Retried with backoff (100 ms, 200 ms…) while the booking is unknown; after two refusals, still nothing planned.
    await waitFor('two retries of attribution.completed', async () => {
      const metrics = (await h.service.app.inject({ method: 'GET', url: '/metrics' })).body;
      const retried =
        /eq_consumer_messages_total\{consumer="notifications-attribution-completed",outcome="retried"\} (\d+)/.exec(
          metrics,
        );
      return Number(retried?.[1] ?? 0) >= 2;
    });
    const early = (await h.notifyMessages()).filter(
      (m) => (m.event.data.trigger as { eventId: string }).eventId === completed.id,
    );
    expect(early).toEqual([]);
    await h.publish(confirmed);
    expect(await triggeredBy(completed.id, 7)).toHaveLength(7);
  });

  it('attribution.cancelled cancels the day-of reminder', async () => {
    const confirmed = bookingConfirmed();
    await h.publish(confirmed);
    const completed = attributionCompleted(confirmed.data, confirmed);
    await h.publish(completed);
    await waitFor('the day-of reminder', async () =>
      (await remindersOf(confirmed.data.bookingId)).some((r) => r.type === 'day-of'),
    );
    await h.publish(attributionCancelled(completed, 'STAFF'));
    const dayOf = await waitFor('the day-of reminder cancelled', async () => {
      const r = (await remindersOf(confirmed.data.bookingId)).find((x) => x.type === 'day-of');
      return r?.state === 'CANCELLED' && r;
    });
    expect(dayOf.reason).toBe('ATTRIBUTION_CANCELLED:STAFF');
    // The customer's own reminders belong to the booking, which still stands.
    expect(
      (await remindersOf(confirmed.data.bookingId)).filter((r) => r.type !== 'day-of').map((r) => r.state),
    ).toEqual(['SCHEDULED', 'SCHEDULED', 'SCHEDULED']);
  });

  it('consumed after its booking was cancelled: nobody is told, the day-of reminder is born cancelled', async () => {
    const confirmed = bookingConfirmed();
    await h.publish(confirmed);
    const ack = await h.publish(bookingCancelled(confirmed.data, confirmed, 'REFUNDED'));
    await h.consumed(h.ns.stream('bookings'), 'notifications-booking-cancelled', ack.seq);
    const completed = attributionCompleted(confirmed.data, confirmed);
    const done = await h.publish(completed);
    await h.consumed(h.ns.stream('attribution'), 'notifications-attribution-completed', done.seq);
    await h.service.poller.tick();
    const told = (await h.notifyMessages()).filter(
      (m) => (m.event.data.trigger as { eventId: string }).eventId === completed.id,
    );
    expect(told).toEqual([]);
    const dayOf = (await remindersOf(confirmed.data.bookingId)).find((r) => r.type === 'day-of');
    expect(dayOf).toMatchObject({ state: 'CANCELLED', reason: 'BOOKING_CANCELLED:REFUNDED' });
  });

  it('needs_staff: a HIGH staff alert to the responsibles, operations and admins', async () => {
    const confirmed = bookingConfirmed({ serviceType: 'CLEANING' });
    const event = attributionNeedsStaff(confirmed.data, confirmed, 'NO_ELIGIBLE_PROFESSIONAL');
    await h.publish(event);
    const alerts = await triggeredBy(event.id, 3);
    expect(alerts.map((m) => [m.subject, m.event.data.template, recipientOf(m).id])).toEqual([
      ['notify.email.high', 'staff-alert', 'cleaning-lead'],
      ['notify.email.high', 'staff-alert', 'ops'],
      ['notify.email.high', 'staff-alert', 'admin'],
    ]);
    expect(alerts[0]?.event.data.data).toMatchObject({
      subject: 'Mission EQ-2026-000123 sans professionnel',
    });
    expect(alerts[0]?.event.data.bookingId).toBe(confirmed.data.bookingId);
  });
});
