import { BookingConfirmed } from '@express-quote/contracts';
import { migrateEventStore } from '@express-quote/eventstore';
import { PermanentError, runConsumer } from '@express-quote/messaging';
import {
  createTestDatabase,
  createTestNats,
  type TestDatabase,
  type TestNats,
  testLogger,
  waitFor,
} from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trace } from '../src/trace/model.ts';
import { type BookingHistory, bookingHistory } from './fixtures.ts';
import { bookingStore, declareStreams, seedBooking } from './seed.ts';
import { envFor, eq } from './support.ts';

let nats: TestNats;
let database: TestDatabase;
let env: Record<string, string>;
let failing: BookingHistory;
let complete: BookingHistory;
let unrelayed: BookingHistory;
let deadLettered: BookingHistory;

beforeAll(async () => {
  nats = await createTestNats();
  database = await createTestDatabase();
  env = envFor(nats, database.url);
  await declareStreams(nats);
  await migrateEventStore(database.db, 'booking');
  const store = bookingStore(database.db);
  failing = bookingHistory(1, { customerEmailFails: true });
  complete = bookingHistory(2);
  unrelayed = bookingHistory(3);
  deadLettered = bookingHistory(4);
  await seedBooking(nats, store, failing);
  await seedBooking(nats, store, complete);
  await seedBooking(nats, store, unrelayed, { relayed: 2 });

  // A consumer that gives up on one booking.confirmed: the DLQ records it, as in production.
  const consumer = await runConsumer({
    nc: nats.nc,
    ns: nats.ns,
    logger: testLogger(),
    name: 'test-attribution-booking-confirmed',
    context: 'bookings',
    filterSubject: BookingConfirmed.subject,
    events: [BookingConfirmed],
    concurrency: 1,
    maxDeliver: 3,
    backoffMs: [100],
    ackWaitMs: 5_000,
    dlq: false,
    handler: async (e) => {
      if (e.data.bookingId === deadLettered.bookingId)
        throw new PermanentError('geocoder refused the address');
    },
  });
  await seedBooking(nats, store, deadLettered);
  await waitFor('dead letter recorded', async () => {
    const r = await eq(['dlq', 'list', '--json'], { env });
    return r.json<unknown[]>().length === 1;
  });
  await consumer.stop();
}, 60_000);

afterAll(async () => {
  await nats?.cleanup();
  await database?.drop();
});

describe('eq trace', () => {
  it('finds every hop of a booking, in time order, and flags the customer e-mail that was never SENT', async () => {
    const r = await eq(['trace', failing.reference, '--json'], { env });
    expect(r.code).toBe(1);
    const trace = r.json<Trace>();
    expect(trace.subject.bookingId).toBe(failing.bookingId);
    expect(trace.subject.correlationIds).toEqual([failing.stripeEventId]);
    const seen = trace.hops.map((h) => `${h.stream}:${h.type}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        'PAYMENTS:payment.completed',
        'BOOKINGS:booking.drafted',
        'BOOKINGS:booking.transaction_recorded',
        'BOOKINGS:booking.payment_completed',
        'BOOKINGS:booking.confirmed',
        'ATTRIBUTION:attribution.started',
        'DOCUMENTS:documents.generated',
        'NOTIFY:notification.requested',
        'NOTIFICATIONS:notification.sending',
        'NOTIFICATIONS:notification.sent',
        'NOTIFICATIONS:notification.failed',
      ]),
    );
    // 1 payment + 4 booking events + 1 attribution + 2 document sets + 3 commands + 6 status events, nothing else.
    expect(trace.hops).toHaveLength(17);
    expect(new Set(trace.hops.map((h) => h.correlationId))).toEqual(new Set([failing.stripeEventId]));
    // Booking events are one hop each, seen both in the event store and on BOOKINGS.
    const bookingHops = trace.hops.filter((h) => h.type.startsWith('booking.'));
    expect(bookingHops.every((h) => h.store?.schema === 'booking' && h.stream === 'BOOKINGS')).toBe(true);
    expect(bookingHops.map((h) => h.store?.version)).toEqual([1, 2, 3, 4]);
    const times = trace.hops.map((h) => h.recordedAt);
    expect([...times].sort()).toEqual(times);

    const email = trace.notifications.find((n) => n.notificationId === failing.notificationIds.customerEmail);
    expect(email).toMatchObject({
      status: 'FAILED',
      attempts: 3,
      lastError: '421 4.7.0 try again later',
      source: 'streams',
    });
    expect(
      trace.notifications.find((n) => n.notificationId === failing.notificationIds.customerSms)?.status,
    ).toBe('SENT');
    const missing = trace.findings.filter((f) => f.level !== 'note');
    expect(missing).toHaveLength(1);
    expect(missing[0]!.message).toContain(
      'customer e-mail (booking-confirmation) requested but never SENT: FAILED after 3 attempt(s)',
    );
  });

  it('prints one line per hop with relative times and the summary of what is missing', async () => {
    const r = await eq(['trace', failing.reference], { env });
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    const hopLines = lines.slice(
      lines.findIndex((l) => l.startsWith('Hops (17)')) + 1,
      lines.findIndex((l) => l.startsWith('Notifications')) - 1,
    );
    expect(hopLines).toHaveLength(17);
    expect(hopLines[0]).toMatch(
      /^\s+\+0\.000s\s+PAYMENTS #\d+\s+payment\.completed\s+session cs_test_1, 459,00 € paid/,
    );
    expect(r.stdout).toMatch(
      /BOOKINGS #\d+\s+booking\.confirmed\s+EQ-2026-000001 MOVING 2026-04-20 08:00-12:00, 459,00 €.*store booking booking-/,
    );
    expect(r.stdout).toContain('Missing or wrong (1)');
    expect(r.stdout).toContain('✗ customer e-mail (booking-confirmation) requested but never SENT');
    // Personal data is masked unless --reveal.
    expect(r.stdout).not.toContain('jeanne.dupont@example.fr');
    const json = await eq(['trace', failing.reference, '--json'], { env });
    expect(json.stdout).not.toContain('jeanne.dupont@example.fr');
    expect(json.stdout).toContain('j***@example.fr');
    const revealed = await eq(['trace', failing.reference, '--json', '--reveal'], { env });
    expect(revealed.stdout).toContain('jeanne.dupont@example.fr');
  });

  it('says nothing is missing for a complete booking, whichever id support gives', async () => {
    for (const id of [complete.stripeEventId, complete.bookingId, complete.reference]) {
      const r = await eq(['trace', id], { env });
      expect(r.stdout, id).toContain('Nothing missing');
      expect(r.code, id).toBe(0);
    }
    const byBooking = await eq(['trace', complete.bookingId, '--json'], { env });
    expect(byBooking.json<Trace>().subject.correlationIds).toEqual([complete.stripeEventId]);
  });

  it('flags booking events stored but never published (a stopped relay)', async () => {
    const r = await eq(['trace', unrelayed.reference, '--json'], { env });
    expect(r.code).toBe(1);
    const trace = r.json<Trace>();
    const notPublished = trace.hops.filter((h) => h.store && !h.stream).map((h) => h.type);
    expect(notPublished).toEqual(['booking.payment_completed', 'booking.confirmed']);
    expect(trace.findings.map((f) => f.message)).toContainEqual(
      expect.stringContaining('2 event(s) stored in the booking event store but never published'),
    );
  });

  it('flags a dead-lettered hop with the consumer and its reason', async () => {
    const r = await eq(['trace', deadLettered.stripeEventId, '--json'], { env });
    const trace = r.json<Trace>();
    const confirmed = trace.hops.find((h) => h.type === 'booking.confirmed');
    expect(confirmed?.deadLetters).toHaveLength(1);
    expect(r.code).toBe(1);
    expect(trace.findings.map((f) => f.message)).toContainEqual(
      expect.stringMatching(
        /booking\.confirmed \(BOOKINGS #\d+\) dead-lettered by test-attribution-booking-confirmed: geocoder refused the address \(eq dlq show \d+\)/,
      ),
    );
  });

  it('finds the booking in the BOOKINGS stream when no database is configured', async () => {
    const { DATABASE_URL: _ignored, ...streamsOnly } = env;
    const r = await eq(['trace', failing.reference, '--json'], { env: streamsOnly });
    const trace = r.json<Trace>();
    expect(trace.subject.bookingId).toBe(failing.bookingId);
    expect(trace.hops).toHaveLength(17);
    expect(trace.warnings).toContainEqual(expect.stringContaining('DATABASE_URL not set'));
  });

  it('says when nothing is known about the id, and refuses bad arguments', async () => {
    const unknown = await eq(['trace', 'EQ-2026-999999'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('nothing found in any stream or event store');
    const bad = await eq(['trace', 'EQ-1', '--since', 'yesterday'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since: "yesterday" is neither a duration');
    expect(bad.stderr).toContain('usage: eq trace');
  });
});
