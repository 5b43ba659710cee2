import {
  createEvent,
  deterministicId,
  NotificationDelivered,
  NotificationRequested,
  NotificationSending,
  NotificationSent,
} from '@express-quote/contracts';
import type { StatusEvent } from '@express-quote/read-models';
import { createTestDatabase, type TestDatabase } from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NotificationsDb, openDatabase } from '../src/database.ts';
import { migrateNotifications } from '../src/migrations.ts';
import { applyStatusEvents } from '../src/projections/notification-status-projection.ts';
import { createStatusProjectionWriter } from '../src/projections/status-projection-writer.ts';

// Two databases: the same events folded one at a time into one, in batches (or concurrently) into the other.
let one: { tdb: TestDatabase; db: NotificationsDb; destroy: () => Promise<void> };
let other: typeof one;

const open = async () => {
  const tdb = await createTestDatabase();
  const opened = openDatabase(tdb.url, 10);
  await migrateNotifications(opened.root);
  return { tdb, db: opened.db, destroy: () => opened.root.destroy() };
};

beforeAll(async () => {
  [one, other] = await Promise.all([open(), open()]);
});
afterAll(async () => {
  for (const d of [one, other]) {
    await d?.destroy();
    await d?.tdb.drop();
  }
});

const bookingId = deterministicId('status-projection-test', 'booking');
const t0 = Date.parse('2026-03-02T10:15:00.000Z');
const at = (s: number) => new Date(t0 + s * 1000).toISOString();

/** The life of one e-mail: requested, two attempts, sent, delivered. */
const lifeOf = (n: number): StatusEvent[] => {
  const notificationId = deterministicId('status-projection-test', n);
  const cause = { id: `trigger-${n}`, correlationId: `correlation-${n}` };
  const base = { notificationId, channel: 'email' as const, bookingId };
  return [
    createEvent(
      NotificationRequested,
      {
        notificationId,
        channel: 'email',
        priority: 'HIGH',
        template: 'professional-document',
        recipient: {
          kind: 'staff',
          id: `staff-${n}`,
          name: 'Claire',
          email: `staff-${n}@example.fr`,
          phone: null,
        },
        data: {},
        attachments: [],
        documentsMissing: false,
        bookingId,
        trigger: { eventId: `trigger-${n}`, type: 'booking.confirmed' },
        reminderId: null,
      },
      { cause, id: notificationId, occurredAt: at(0) },
    ),
    createEvent(NotificationSending, { ...base, at: at(1), attempt: 1 }, { cause, occurredAt: at(1) }),
    createEvent(NotificationSending, { ...base, at: at(2), attempt: 2 }, { cause, occurredAt: at(2) }),
    createEvent(
      NotificationSent,
      {
        ...base,
        at: at(3),
        attempt: 2,
        provider: 'smtp',
        providerMessageId: `<${n}@express-quote.test>`,
        segments: null,
        encoding: null,
        costMicros: null,
      },
      { cause, occurredAt: at(3) },
    ),
    createEvent(
      NotificationDelivered,
      {
        ...base,
        at: at(4),
        provider: 'smtp',
        providerMessageId: `<${n}@express-quote.test>`,
        status: 'delivered',
      },
      { cause, occurredAt: at(4) },
    ),
  ] as StatusEvent[];
};

const rowsOf = (db: NotificationsDb) =>
  db.selectFrom('notification_status').selectAll().orderBy('notification_id').execute();

describe('notification status projection in batches (Postgres)', () => {
  it('folds a batch, out of order and with duplicates, into the rows that one event at a time gives', async () => {
    const events = [1, 2, 3].flatMap(lifeOf);
    for (const e of events) await applyStatusEvents(one.db, [e]);

    // Reversed, every event twice: the merge is order-independent and idempotent.
    const shuffled = [...events].reverse().flatMap((e) => [e, e]);
    const changed = await applyStatusEvents(other.db, shuffled);

    expect(await rowsOf(other.db)).toEqual(await rowsOf(one.db));
    const rows = await rowsOf(one.db);
    expect(rows.map((r) => [r.status, r.attempts, r.template])).toEqual(
      Array(3).fill(['DELIVERED', 2, 'professional-document']),
    );
    // The second copy of each event changed nothing.
    expect(changed.filter((_, i) => i % 2 === 1).every((c) => c === false)).toBe(true);
    // Applying everything again changes nothing.
    expect((await applyStatusEvents(other.db, events)).some(Boolean)).toBe(false);
  });

  it('two instances writing overlapping batches at once neither deadlock nor lose a fact', async () => {
    const events = [4, 5, 6, 7, 8].flatMap(lifeOf);
    for (const e of events) await applyStatusEvents(one.db, [e]);

    // Two writers (two service instances) each get every event, in opposite orders, one event per call: the
    // writers batch whatever arrives while their previous transaction runs.
    const a = createStatusProjectionWriter(other.db);
    const b = createStatusProjectionWriter(other.db);
    await Promise.all([...events.map((e) => a.apply(e)), ...[...events].reverse().map((e) => b.apply(e))]);

    expect(await rowsOf(other.db)).toEqual(await rowsOf(one.db));
  });

  it("a failed batch fails each of its events' handlers (their messages are retried)", async () => {
    const broken = openDatabase('postgres://postgres@127.0.0.1:1/none', 1);
    const writer = createStatusProjectionWriter(broken.db);
    const [first, second] = lifeOf(9);
    const results = await Promise.allSettled([writer.apply(first!), writer.apply(second!)]);
    await broken.root.destroy();
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
