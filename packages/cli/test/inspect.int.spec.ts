import { migrateEventStore } from '@express-quote/eventstore';
import {
  createTestDatabase,
  createTestNats,
  type TestDatabase,
  type TestNats,
  waitFor,
} from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../src/format/message.ts';
import { type BookingHistory, bookingHistory } from './fixtures.ts';
import { bookingStore, declareStreams, seedBooking } from './seed.ts';
import { envFor, eq } from './support.ts';

let nats: TestNats;
let database: TestDatabase;
let env: Record<string, string>;
let h: BookingHistory;

const lines = (text: string) => text.trim().split('\n').filter(Boolean);

beforeAll(async () => {
  nats = await createTestNats();
  database = await createTestDatabase();
  env = envFor(nats, database.url);
  await declareStreams(nats);
  await migrateEventStore(database.db, 'booking');
  h = bookingHistory(7);
  await seedBooking(nats, bookingStore(database.db), h);
  await seedBooking(nats, bookingStore(database.db), bookingHistory(8));
});

afterAll(async () => {
  await nats?.cleanup();
  await database?.drop();
});

describe('eq events tail', () => {
  it('prints a stream oldest first, one line per message', async () => {
    const r = await eq(['events', 'tail', 'BOOKINGS'], { env });
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(8);
    expect(out[0]).toMatch(
      /^#1\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\s+bookings\.booking\.drafted\s+booking\.drafted\s+EQ-2026-000007 DRAFT\s+corr evt_test000007abcdef\s+id /,
    );
    expect(out[7]).toContain('booking.confirmed');
  });

  it('filters by event type or subject, counts back with --last, starts at --from, and prints JSON lines', async () => {
    const typed = await eq(['events', 'tail', 'bookings', '--type', 'booking.confirmed', '--json'], { env });
    const views = lines(typed.stdout).map((l) => JSON.parse(l) as MessageView);
    expect(views.map((v) => (v.payload as { data: { reference: string } }).data.reference)).toEqual([
      'EQ-2026-000007',
      'EQ-2026-000008',
    ]);
    expect(views[0]).toMatchObject({ subject: 'bookings.booking.confirmed', redeliveredFrom: null });
    const last = await eq(
      ['events', 'tail', 'NOTIFY', '--subject', 'notify.email.>', '--last', '1', '--json'],
      { env },
    );
    expect(lines(last.stdout)).toHaveLength(1);
    expect((JSON.parse(lines(last.stdout)[0]!) as MessageView).subject).toBe('notify.email.high');
    const from = await eq(['events', 'tail', 'NOTIFICATIONS', '--from', '10', '--json'], { env });
    expect(lines(from.stdout).map((l) => (JSON.parse(l) as MessageView).seq)).toEqual([10, 11, 12]);
    const since = await eq(['events', 'tail', 'PAYMENTS', '--since', '1h', '--json'], { env });
    expect(lines(since.stdout)).toHaveLength(2);
    const none = await eq(['events', 'tail', 'PAYMENTS', '--since', '2999-01-01'], { env });
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('no message in');
  });

  it('masks personal data unless --reveal', async () => {
    const masked = await eq(['events', 'tail', 'PAYMENTS', '--json'], { env });
    expect(masked.stdout).toContain('j***@example.fr');
    expect(masked.stdout).toContain('+336******78');
    expect(masked.stdout).not.toContain('jeanne.dupont@example.fr');
    const clear = await eq(['events', 'tail', 'PAYMENTS', '--json', '--reveal'], { env });
    expect(clear.stdout).toContain('jeanne.dupont@example.fr');
  });

  it('follows new messages until interrupted', async () => {
    const stop = new AbortController();
    let printed = 0;
    const run = eq(['events', 'tail', 'DOCUMENTS', '--follow', '--last', '1', '--json'], {
      env,
      signal: stop.signal,
      // Stop like Ctrl-C once the last message of the new booking is out.
      onStdout: (t) => {
        printed += t.split('\n').length - 1;
        if (printed === 3) stop.abort();
      },
    });
    await waitFor('following', async () => {
      const consumers: string[] = [];
      for await (const c of nats.jsm.consumers.list(nats.ns.stream('documents'))) consumers.push(c.name);
      return consumers.length === 1;
    });
    await seedBooking(nats, bookingStore(database.db), bookingHistory(9));
    const r = await run;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('following');
    const refs = lines(r.stdout).map(
      (l) => (JSON.parse(l) as MessageView).payload as { data: { bookingId: string; audience: string } },
    );
    expect(refs.map((x) => x.data.audience)).toEqual(['internal', 'customer', 'internal']);
    expect(refs.at(-1)!.data.bookingId).toBe(bookingHistory(9).bookingId);
  });

  it('says which stream is missing', async () => {
    const r = await eq(['events', 'tail', 'NOPE'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('stream NOPE does not exist');
  });
});

describe('eq eventstore read', () => {
  it('prints one stream in version order, pretty, with --data, or as JSON lines', async () => {
    const r = await eq(['eventstore', 'read', 'booking', `booking-${h.bookingId}`], { env });
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out[0]).toBe(`booking booking-${h.bookingId}: 4 event(s)`);
    expect(out.slice(1).map((l) => l.trim().split(/\s+/)[0])).toEqual(['v1', 'v2', 'v3', 'v4']);
    expect(out[4]).toContain('booking.confirmed');
    const bare = await eq(['eventstore', 'read', 'booking', h.bookingId, '--from-version', '4', '--data'], {
      env,
    });
    expect(lines(bare.stdout)).toHaveLength(3);
    expect(bare.stdout).toContain('"reference":"EQ-2026-000007"');
    const json = await eq(['eventstore', 'read', 'booking', `booking-${h.bookingId}`, '--json'], { env });
    const events = lines(json.stdout).map(
      (l) => JSON.parse(l) as { streamVersion: number; globalPosition: string; correlationId: string },
    );
    expect(events.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4]);
    expect(events.every((e) => /^\d+$/.test(e.globalPosition) && e.correlationId === h.stripeEventId)).toBe(
      true,
    );
  });

  it('says when the stream or the store does not exist', async () => {
    const missing = await eq(['eventstore', 'read', 'booking', 'booking-nope'], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no stream "booking-nope" in the booking event store');
    const noStore = await eq(['eventstore', 'read', 'attribution', 'attribution-x'], { env });
    expect(noStore.code).toBe(1);
    expect(noStore.stderr).toContain('schema "attribution" has no event store');
  });
});
