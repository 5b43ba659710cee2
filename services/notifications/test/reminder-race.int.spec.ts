import { type Envelope, NotificationRequested } from '@express-quote/contracts';
import { createPublisher, ensureContextStream, type Publisher } from '@express-quote/messaging';
import {
  createTestDatabase,
  createTestNats,
  type TestDatabase,
  type TestNats,
  testLogger,
} from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NotificationsDb, openDatabase } from '../src/database.ts';
import { planCustomerReminders } from '../src/domain/plan-customer-reminders.ts';
import { migrateNotifications } from '../src/migrations.ts';
import { acceptPlan } from '../src/outbox/accept-plan.ts';
import {
  type FiredReminder,
  fireDueReminders,
  type ReminderDeps,
} from '../src/reminders/fire-due-reminders.ts';
import { bookingConfirmed } from './fixtures.ts';

let nats: TestNats;
let tdb: TestDatabase;
let db: NotificationsDb;
let destroy: () => Promise<void>;
let publisher: Publisher;

beforeAll(async () => {
  nats = await createTestNats();
  tdb = await createTestDatabase();
  const opened = openDatabase(tdb.url, 12);
  db = opened.db;
  destroy = () => opened.root.destroy();
  await migrateNotifications(opened.root);
  await ensureContextStream(nats.jsm, nats.ns, 'notify');
  publisher = createPublisher(nats.nc, nats.ns);
});
afterAll(async () => {
  await destroy?.();
  await nats?.cleanup();
  await tdb?.drop();
});

const countingPublisher = (inner: Publisher, failAfter = Number.POSITIVE_INFINITY) => {
  const published: string[] = [];
  const wrapped: Publisher = {
    async publish(event: Envelope, options) {
      if (published.length >= failAfter) throw new Error('NATS unavailable (simulated)');
      published.push(event.id);
      return inner.publish(event, options);
    },
  };
  return { publisher: wrapped, published };
};

const deps = (p: Publisher, now: Date): ReminderDeps => ({
  db,
  publisher: p,
  now: () => now,
  logger: testLogger(),
});

const CONFIRMED_AT = new Date('2026-05-01T10:00:00.000Z');

/** Confirms `count` bookings of `date` (09:00 Paris, summer time), storing their plans as the handler does. */
const scheduleBookings = async (count: number, date: string): Promise<string[]> => {
  const bookingIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const event = bookingConfirmed({
      schedule: {
        date,
        startTime: '09:00',
        endTime: '12:00',
        timeZone: 'Europe/Paris',
        startsAt: `${date}T07:00:00.000Z`,
      },
    });
    const reminders = planCustomerReminders(event, { now: CONFIRMED_AT, supportUrl: 'https://s.test' });
    await acceptPlan(
      db,
      {
        eventId: event.id,
        type: event.type,
        correlationId: event.correlationId,
        bookingId: event.data.bookingId,
      },
      [],
      CONFIRMED_AT,
      reminders,
    );
    bookingIds.push(event.data.bookingId);
  }
  return bookingIds;
};

const notifyCount = async () => (await nats.jsm.streams.info(nats.ns.stream('notify'))).state.messages;

describe('fireDueReminders', () => {
  it('six passes of two instances at once: every due reminder published exactly once', async () => {
    const bookings = await scheduleBookings(60, '2026-06-15');
    const before = await notifyCount();
    // The day-before reminders (SMS + e-mail) of 60 bookings are due; the 7-day ones are superseded.
    const at = new Date('2026-06-14T07:00:00.000Z');
    const a = countingPublisher(publisher);
    const b = countingPublisher(publisher);
    const passes = await Promise.all([
      ...Array.from({ length: 3 }, () => fireDueReminders(deps(a.publisher, at))),
      ...Array.from({ length: 3 }, () => fireDueReminders(deps(b.publisher, at))),
    ]);
    const fired: FiredReminder[] = passes.flat();
    expect(fired).toHaveLength(120);
    expect(new Set(fired.map((r) => r.reminderId)).size).toBe(120);
    expect(fired.filter((r) => r.state === 'SENT').map((r) => r.type)).toEqual(Array(60).fill('24h'));
    expect(fired.filter((r) => r.state === 'SKIPPED').every((r) => r.reason === 'SUPERSEDED')).toBe(true);

    const published = [...a.published, ...b.published];
    expect(published).toHaveLength(120);
    expect(new Set(published).size).toBe(120);
    expect((await notifyCount()) - before).toBe(120);
    const left = await db
      .selectFrom('reminders')
      .select(['booking_id', 'reminder_type'])
      .where('state', '=', 'SCHEDULED')
      .where('booking_id', 'in', bookings)
      .execute();
    expect(left.map((r) => r.reminder_type)).toEqual(Array(60).fill('1h'));
  });

  it('a publish failure mid-batch leaves the batch scheduled; the next pass sends all, none twice on the stream', async () => {
    const at = new Date('2026-07-08T07:00:00.000Z');
    // What the first test left (its 1-hour reminders, now past their service) is settled first, unsent.
    const leftovers = await fireDueReminders(deps(publisher, at));
    expect(leftovers.map((r) => [r.state, r.reason])).toEqual(Array(60).fill(['SKIPPED', 'SERVICE_STARTED']));
    await scheduleBookings(5, '2026-07-15');
    const before = await notifyCount();
    const flaky = countingPublisher(publisher, 3);
    await expect(fireDueReminders(deps(flaky.publisher, at))).rejects.toThrow(/simulated/);
    const stillScheduled = await db
      .selectFrom('reminders')
      .select('reminder_id')
      .where('state', '=', 'SCHEDULED')
      .where('due_at', '<=', at)
      .execute();
    expect(stillScheduled).toHaveLength(5);

    const fired = await fireDueReminders(deps(publisher, at));
    expect(fired.map((r) => r.state)).toEqual(Array(5).fill('SENT'));
    // The 3 published before the failure went out again with the same msgID: the stream dropped them.
    expect(fired.reduce((n, r) => n + r.duplicates, 0)).toBe(3);
    expect((await notifyCount()) - before).toBe(5);
    const stored = await nats.jsm.streams.getMessage(nats.ns.stream('notify'), {
      last_by_subj: nats.ns.subject('notify.sms.normal'),
    });
    expect(stored?.json<Envelope>().type).toBe(NotificationRequested.type);
  });
});
