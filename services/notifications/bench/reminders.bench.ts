import { createPublisher, ensureContextStream } from '@express-quote/messaging';
import { createTestDatabase, createTestNats, testLogger } from '@express-quote/testing';
import { openDatabase } from '../src/database.ts';
import { planCustomerReminders } from '../src/domain/plan-customer-reminders.ts';
import { migrateNotifications } from '../src/migrations.ts';
import { acceptPlan } from '../src/outbox/accept-plan.ts';
import { fireDueReminders } from '../src/reminders/fire-due-reminders.ts';
import { bookingConfirmed } from '../test/fixtures.ts';

interface Row {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const BOOKINGS = 2_000;
const CONFIRMED_AT = new Date('2026-05-01T10:00:00.000Z');
const DATES = ['2026-06-15', '2026-06-16'];

/**
 * The reminder scheduler against Postgres and JetStream: scheduling (the booking.confirmed transaction with its three
 * reminders) and firing (claim with SKIP LOCKED, publish, settle) by one pass, then by two racing passes.
 */
export async function run(): Promise<Row[]> {
  const rows: Row[] = [];
  const tdb = await createTestDatabase();
  const nats = await createTestNats();
  const { root, db } = openDatabase(tdb.url, 10);
  try {
    await migrateNotifications(root);
    await ensureContextStream(nats.jsm, nats.ns, 'notify');
    const publisher = createPublisher(nats.nc, nats.ns);

    let started = performance.now();
    for (let i = 0; i < BOOKINGS; i++) {
      const date = DATES[i % DATES.length]!;
      const event = bookingConfirmed({
        schedule: {
          date,
          startTime: '09:00',
          endTime: '12:00',
          timeZone: 'Europe/Paris',
          startsAt: `${date}T07:00:00.000Z`,
        },
      });
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
        planCustomerReminders(event, { now: CONFIRMED_AT, supportUrl: 'https://s.test' }),
      );
    }
    let seconds = (performance.now() - started) / 1000;
    rows.push({
      name: 'schedule (plan + 3 reminders, one transaction)',
      value: Math.round(BOOKINGS / seconds),
      unit: 'bookings/s',
      note: `${BOOKINGS} bookings, sequential`,
    });

    const deps = (at: string) => ({ db, publisher, now: () => new Date(at), logger: testLogger() });
    // 15 June's day-before reminders (SMS + e-mail) and 16 June's 7-day ones are sent; 15 June's 7-day ones are
    // skipped as superseded.
    started = performance.now();
    const onePass = await fireDueReminders(deps('2026-06-14T07:00:00.000Z'));
    seconds = (performance.now() - started) / 1000;
    const sent = onePass.filter((r) => r.state === 'SENT');
    rows.push({
      name: 'fire, one pass',
      value: Math.round(onePass.length / seconds),
      unit: 'reminders/s',
      note: `${sent.length} sent (${sent.reduce((n, r) => n + r.notificationIds.length, 0)} commands), ${onePass.length - sent.length} skipped`,
    });

    // 16 June's day-before reminders sent and 15 June's last ones skipped (service started), by two passes at once.
    started = performance.now();
    const racing = (
      await Promise.all([0, 1].map(() => fireDueReminders(deps('2026-06-15T07:00:00.000Z'))))
    ).flat();
    seconds = (performance.now() - started) / 1000;
    const distinct = new Set(racing.map((r) => r.reminderId)).size;
    rows.push({
      name: 'fire, two racing passes',
      value: Math.round(racing.length / seconds),
      unit: 'reminders/s',
      note: `${racing.length} settled, ${racing.length - distinct} twice`,
    });
    return rows;
  } finally {
    await root.destroy();
    await nats.cleanup();
    await tdb.drop();
  }
}
