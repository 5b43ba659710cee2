import { type Envelope, newEventId } from '@express-quote/contracts';
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
import { planBookingConfirmed } from '../src/domain/plan-booking-confirmed.ts';
import { migrateNotifications } from '../src/migrations.ts';
import { acceptPlan } from '../src/outbox/accept-plan.ts';
import { type ReleaseDeps, releaseDue } from '../src/outbox/release-due.ts';
import { bookingConfirmed, DIRECTORY } from './fixtures.ts';

let nats: TestNats;
let tdb: TestDatabase;
let db: NotificationsDb;
let destroy: () => Promise<void>;
let publisher: Publisher;

beforeAll(async () => {
  nats = await createTestNats();
  tdb = await createTestDatabase();
  const opened = openDatabase(tdb.url, 10);
  db = opened.db;
  destroy = () => opened.root.destroy();
  await migrateNotifications(opened.root);
  // Concurrent starts run migrations concurrently: the advisory lock makes that safe.
  await Promise.all([migrateNotifications(opened.root), migrateNotifications(opened.root)]);
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

const deps = (p: Publisher, now: Date): ReleaseDeps => ({
  db,
  publisher: p,
  sign: (d) => `https://docs.test/${d.key}`,
  now: () => now,
  logger: testLogger(),
});

/** Plans `bookings` confirmed bookings; returns the ids of every planned notification. */
const planBookings = async (bookings: number, now: Date): Promise<string[]> => {
  const ids: string[] = [];
  for (let i = 0; i < bookings; i++) {
    const event = bookingConfirmed();
    const planned = planBookingConfirmed(event, DIRECTORY, {
      now,
      documentsWaitMs: 60_000,
      supportUrl: 'https://s.test',
    });
    await acceptPlan(
      db,
      {
        eventId: event.id,
        type: event.type,
        correlationId: event.correlationId,
        bookingId: event.data.bookingId,
      },
      planned,
      now,
    );
    ids.push(...planned.map((p) => p.notificationId));
  }
  return ids;
};

const notifyCount = async () => (await nats.jsm.streams.info(nats.ns.stream('notify'))).state.messages;

describe('releaseDue', () => {
  it('two instances releasing at once publish every notification exactly once', async () => {
    const planned = new Date();
    const ids = await planBookings(40, planned);
    expect(ids).toHaveLength(240);
    const before = await notifyCount();
    // Past every deadline: all 240 are due, 200 of them without documents.
    const late = new Date(planned.getTime() + 61_000);
    const a = countingPublisher(publisher);
    const b = countingPublisher(publisher);
    await Promise.all([
      ...Array.from({ length: 3 }, () => releaseDue(deps(a.publisher, late))),
      ...Array.from({ length: 3 }, () => releaseDue(deps(b.publisher, late))),
    ]);
    const all = [...a.published, ...b.published];
    expect(all).toHaveLength(ids.length);
    expect(new Set(all)).toEqual(new Set(ids));
    expect((await notifyCount()) - before).toBe(ids.length);
    const waiting = await db
      .selectFrom('notification_outbox')
      .select('notification_id')
      .where('status', '=', 'WAITING')
      .execute();
    expect(waiting).toEqual([]);
  });

  it('a publish failure mid-batch leaves the batch waiting; the next pass sends all, none twice on the stream', async () => {
    const planned = new Date();
    const ids = await planBookings(5, planned);
    const before = await notifyCount();
    const late = new Date(planned.getTime() + 61_000);
    const flaky = countingPublisher(publisher, 7);
    await expect(releaseDue(deps(flaky.publisher, late))).rejects.toThrow(/simulated/);
    const stillWaiting = await db
      .selectFrom('notification_outbox')
      .select('notification_id')
      .where('status', '=', 'WAITING')
      .execute();
    expect(stillWaiting).toHaveLength(ids.length);

    const released = await releaseDue(deps(publisher, late));
    expect(released.map((r) => r.notificationId).sort()).toEqual([...ids].sort());
    // The 7 published before the failure were republished with the same msgID: the stream dropped them.
    expect(released.filter((r) => r.duplicate)).toHaveLength(7);
    expect((await notifyCount()) - before).toBe(ids.length);
  });

  it('releases nothing that must still wait', async () => {
    const planned = new Date();
    const event = bookingConfirmed({ customer: { ...bookingConfirmed().data.customer, phone: null } });
    const plan = planBookingConfirmed(event, DIRECTORY, {
      now: planned,
      documentsWaitMs: 60_000,
      supportUrl: 'https://s.test',
    });
    await acceptPlan(
      db,
      {
        eventId: newEventId(),
        type: event.type,
        correlationId: event.correlationId,
        bookingId: event.data.bookingId,
      },
      plan,
      planned,
    );
    const released = await releaseDue(deps(publisher, new Date(planned.getTime() + 59_000)), {
      bookingId: event.data.bookingId,
    });
    expect(released).toEqual([]);
  });
});
