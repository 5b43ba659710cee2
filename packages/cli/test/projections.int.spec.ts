// The CLI's projections against the services that own them: the booking and notifications services run as their
// own processes (node services/<name>/src/main.ts) in this file's namespace and database and build their read
// models live; the CLI's replays and rebuilds must produce the very same rows.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createEvent,
  type Envelope,
  NotificationDelivered,
  NotificationFailed,
  NotificationSending,
  NotificationSent,
} from '@express-quote/contracts';
import { createEventStore } from '@express-quote/eventstore';
import { createPublisher } from '@express-quote/messaging';
import {
  createTestDatabase,
  createTestNats,
  freePort,
  type Stack,
  startStack,
  type TestDatabase,
  type TestNats,
  waitFor,
} from '@express-quote/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trace } from '../src/trace/model.ts';
import { bookingHistory } from './fixtures.ts';
import { envFor, eq } from './support.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const BOOKINGS = 6;
let nats: TestNats;
let database: TestDatabase;
let stack: Stack;
let logDir: string;
let env: Record<string, string>;
let commands: Envelope[] = [];
const histories = Array.from({ length: BOOKINGS }, (_, i) => bookingHistory(100 + i));

const STATUS_COLUMNS = [
  'notification_id',
  'booking_id',
  'channel',
  'template',
  'recipient_kind',
  'status',
  'attempts',
  'provider',
  'provider_message_id',
  'last_error',
  'retriable',
  'requested_at',
  'sending_at',
  'sent_at',
  'failed_at',
  'delivered_at',
  'undelivered_at',
  'updated_at',
  'facts',
];

const rowsOf = async (table: string, columns: string[], key: string) =>
  (
    await sql<
      Record<string, unknown>
    >`select ${sql.join(columns.map((c) => sql.id(c)))} from ${sql.id(...table.split('.'))} order by ${sql.id(key)}`.execute(
      database.db,
    )
  ).rows;

const consumersIdle = async (durables: string[], stream: string) => {
  for (const d of durables) {
    const info = await nats.jsm.consumers.info(stream, d);
    if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
  }
  return true;
};

const statusProjectionIdle = () =>
  waitFor(
    'status projection caught up',
    async () =>
      (await consumersIdle(['notifications-status-requested'], nats.ns.stream('notify'))) &&
      (await consumersIdle(['notifications-status-events'], nats.ns.stream('notifications'))),
    { timeoutMs: 30_000 },
  );

const readCommands = async (): Promise<Envelope[]> => {
  const out: Envelope[] = [];
  const info = await nats.jsm.streams.info(nats.ns.stream('notify'));
  if (info.state.messages === 0) return out;
  const c = await nats.js.consumers.get(nats.ns.stream('notify'));
  for await (const m of await c.fetch({ max_messages: info.state.messages, expires: 5_000 })) {
    out.push(m.json<Envelope>());
    if (m.info.pending === 0) break;
  }
  await c.delete();
  return out;
};

beforeAll(async () => {
  nats = await createTestNats();
  database = await createTestDatabase();
  env = envFor(nats, database.url);
  logDir = await mkdtemp(join(tmpdir(), 'eq-cli-services-'));
  stack = await startStack({
    root: ROOT,
    logDir,
    env: {
      NATS_URL: nats.url,
      NATS_NAMESPACE: nats.ns.prefix,
      DATABASE_URL: database.url,
      LOG_LEVEL: 'warn',
      ADMIN_TOKEN: 'test-admin-token-of-24-chars-at-least',
      DOCUMENTS_URL_SECRET: 'test-documents-url-secret-of-32-chars-at-least',
      DOCUMENTS_WAIT_MS: '10m',
      CONSUMER_BACKOFF_MS: '100ms',
    },
    services: [
      { name: 'booking', port: await freePort() },
      { name: 'notifications', port: await freePort() },
    ],
  });

  // The booking service's own store: appended here as its handlers would; its relay and projection do the rest.
  const store = createEventStore(database.db, { schema: 'booking' });
  for (const h of histories) {
    await store.append(
      `booking-${h.bookingId}`,
      h.bookingStream.map(({ streamVersion: _v, ...e }) => e),
      {
        expectedVersion: 'no_stream',
      },
    );
  }
  const publisher = createPublisher(nats.nc, nats.ns);
  // Documents for every booking but the last: its e-mails stay in the planner's outbox.
  for (const h of histories.slice(0, -1)) for (const d of h.documents) await publisher.publish(d);
  // 6 notifications per booking (customer e-mail and SMS, 4 staff e-mails), 2 of the last booking's published.
  const expected = (BOOKINGS - 1) * 6 + 1;
  commands = await waitFor(
    'planned notifications published',
    async () => {
      const c = await readCommands();
      return c.length === expected && c;
    },
    { timeoutMs: 30_000 },
  );

  // What the delivery services would report: everything sent, one customer e-mail failing, SMS delivered.
  const failing = histories[1]!.bookingId;
  for (const cmd of commands) {
    const d = cmd.data as {
      notificationId: string;
      channel: 'email' | 'sms';
      bookingId: string;
      template: string;
    };
    const common = { notificationId: d.notificationId, channel: d.channel, bookingId: d.bookingId };
    const at = new Date().toISOString();
    await publisher.publish(createEvent(NotificationSending, { ...common, attempt: 1, at }, { cause: cmd }));
    if (d.bookingId === failing && d.template === 'booking-confirmation') {
      await publisher.publish(
        createEvent(
          NotificationFailed,
          {
            ...common,
            attempt: 1,
            provider: 'smtp',
            reason: '550 mailbox unavailable',
            retriable: false,
            at,
          },
          { cause: cmd },
        ),
      );
      continue;
    }
    await publisher.publish(
      createEvent(
        NotificationSent,
        { ...common, attempt: 1, provider: 'test', providerMessageId: `p-${d.notificationId}`, at },
        { cause: cmd },
      ),
    );
    if (d.channel === 'sms') {
      await publisher.publish(
        createEvent(
          NotificationDelivered,
          {
            ...common,
            provider: 'test',
            providerMessageId: `p-${d.notificationId}`,
            status: 'delivered',
            at,
          },
          { cause: cmd },
        ),
      );
    }
  }
  await statusProjectionIdle();
  await waitFor('bookings projected', async () => {
    const { rows } = await sql<{
      n: string;
    }>`select count(*) as n from booking.bookings_view where status = 'PAYMENT_COMPLETED'`.execute(
      database.db,
    );
    return Number(rows[0]?.n) === BOOKINGS;
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await nats?.cleanup();
  await database?.drop();
  if (logDir) await rm(logDir, { recursive: true, force: true });
});

describe('replay into a fresh projection', () => {
  it('equals the live status projection, also when interrupted and resumed', async () => {
    const controller = new AbortController();
    const interrupted = await eq(
      ['replay', 'NOTIFY', '--into', 'notification-status', '--table', 'status_replay', '--batch', '5'],
      {
        env,
        signal: controller.signal,
        // The first progress line is written once the first batch is committed: stop there, like Ctrl-C.
        onStderr: (t) => {
          if (t.includes('NOTIFY → status_replay')) controller.abort();
        },
      },
    );
    expect(interrupted.code).toBe(130);
    expect(interrupted.stdout).toContain('run the same command again to resume');
    const { rows: partial } = await sql<{
      n: string;
    }>`select count(*) as n from notifications.status_replay`.execute(database.db);
    expect(Number(partial[0]?.n)).toBeGreaterThan(0);
    expect(Number(partial[0]?.n)).toBeLessThan(commands.length);

    const resumed = await eq(
      ['replay', 'NOTIFY', '--into', 'notification-status', '--table', 'status_replay', '--batch', '5'],
      { env },
    );
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/resuming after #\d+/);
    const events = await eq(
      ['replay', 'NOTIFICATIONS', '--into', 'notification-status', '--table', 'status_replay', '--json'],
      { env },
    );
    expect(events.code).toBe(0);
    expect(events.json<{ completed: boolean; invalid: number }>()).toMatchObject({
      completed: true,
      invalid: 0,
    });

    const live = await rowsOf('notifications.notification_status', STATUS_COLUMNS, 'notification_id');
    expect(live).toHaveLength(commands.length);
    expect(await rowsOf('notifications.status_replay', STATUS_COLUMNS, 'notification_id')).toEqual(live);
    expect(live.filter((r) => r.status === 'FAILED').map((r) => r.last_error)).toEqual([
      '550 mailbox unavailable',
    ]);

    const again = await eq(
      ['replay', 'NOTIFY', '--into', 'notification-status', '--table', 'status_replay'],
      { env },
    );
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('this replay already ran');
  });

  it('replays into the live table beside the running service without changing a row (idempotent)', async () => {
    const before = await rowsOf('notifications.notification_status', STATUS_COLUMNS, 'notification_id');
    const r = await eq(['replay', 'NOTIFICATIONS', '--into', 'notification-status', '--json'], { env });
    expect(r.code).toBe(0);
    expect(r.json<{ rowsChanged: number; table: string }>()).toMatchObject({
      rowsChanged: 0,
      table: 'notifications.notification_status',
    });
    expect(await rowsOf('notifications.notification_status', STATUS_COLUMNS, 'notification_id')).toEqual(
      before,
    );
  });

  it('refuses a stream the projection is not built from', async () => {
    const r = await eq(['replay', 'BOOKINGS', '--into', 'notification-status'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('notification-status is built from NOTIFY and NOTIFICATIONS, not BOOKINGS');
  });
});

describe('eq projections rebuild', () => {
  it('rebuilds the status projection beside the live table and swaps it in while the service keeps writing', async () => {
    const refused = await eq(['projections', 'rebuild', 'notification-status'], { env });
    expect(refused.code).toBe(2);
    const before = await rowsOf('notifications.notification_status', STATUS_COLUMNS, 'notification_id');
    const { rows: indexesBefore } = await sql<{ indexname: string }>`
      select indexname from pg_indexes where schemaname = 'notifications' and tablename = 'notification_status' order by 1`.execute(
      database.db,
    );

    const r = await eq(['projections', 'rebuild', 'notification-status', '--yes', '--keep-old', '--json'], {
      env,
    });
    expect(r.code).toBe(0);
    const summary = r.json<{ rows: number; oldTable: string; carriedOver: number }>();
    expect(summary).toMatchObject({ rows: before.length, carriedOver: 0 });
    expect(await rowsOf('notifications.notification_status', STATUS_COLUMNS, 'notification_id')).toEqual(
      before,
    );
    expect(await rowsOf(summary.oldTable, STATUS_COLUMNS, 'notification_id')).toEqual(before);
    const { rows: indexesAfter } = await sql<{ indexname: string }>`
      select indexname from pg_indexes where schemaname = 'notifications' and tablename = 'notification_status' order by 1`.execute(
      database.db,
    );
    expect(indexesAfter).toEqual(indexesBefore);

    // The running service writes into the swapped-in table.
    const sms = commands.find(
      (c) =>
        (c.data as { channel: string }).channel === 'sms' &&
        (c.data as { bookingId: string }).bookingId === histories[0]!.bookingId,
    )!;
    const d = sms.data as { notificationId: string; bookingId: string };
    await createPublisher(nats.nc, nats.ns).publish(
      createEvent(
        NotificationDelivered,
        {
          notificationId: d.notificationId,
          channel: 'sms',
          bookingId: d.bookingId,
          provider: 'test',
          providerMessageId: 'p',
          status: 'read',
          at: new Date(Date.now() + 60_000).toISOString(),
        },
        { cause: sms },
      ),
    );
    await waitFor('service updated the rebuilt table', async () => {
      const { rows } = await sql<{ facts: { delivered: { status: string } } }>`
        select facts from notifications.notification_status where notification_id = ${d.notificationId}`.execute(
        database.db,
      );
      return rows[0]?.facts.delivered.status === 'read';
    });
  });

  it('rebuilds the booking read model from the event store', async () => {
    const columns = ['booking_id', 'reference', 'status', 'last_version', 'view'];
    const before = await rowsOf('booking.bookings_view', columns, 'booking_id');
    expect(before).toHaveLength(BOOKINGS);
    const r = await eq(['projections', 'rebuild', 'bookings-view', '--yes', '--keep-old', '--json'], { env });
    expect(r.code).toBe(0);
    const summary = r.json<{ rows: number; oldTable: string; eventsRead: number }>();
    expect(summary.rows).toBe(BOOKINGS);
    expect(summary.eventsRead).toBe(BOOKINGS * 4);
    expect(await rowsOf('booking.bookings_view', columns, 'booking_id')).toEqual(before);
    expect(await rowsOf(summary.oldTable, columns, 'booking_id')).toEqual(before);
    const list = await eq(['projections', 'list'], { env });
    expect(list.stdout).toMatch(
      /bookings-view\s+booking\.bookings_view\s+booking event store \(or BOOKINGS\)\s+6/,
    );
  });
});

describe('eq trace with the notifications service tables', () => {
  it('reports the customer e-mail held in the planner outbox waiting for its documents', async () => {
    const h = histories.at(-1)!;
    const r = await eq(['trace', h.reference, '--json'], { env });
    expect(r.code).toBe(1);
    const trace = r.json<Trace>();
    const email = trace.notifications.find((n) => n.template === 'booking-confirmation');
    expect(email).toMatchObject({
      status: 'WAITING_DOCUMENTS',
      source: 'outbox',
      waiting: { audience: 'customer' },
    });
    expect(trace.notifications.find((n) => n.template === 'booking-confirmation-sms')).toMatchObject({
      status: 'DELIVERED',
      source: 'projection',
    });
    expect(trace.findings.map((f) => f.message)).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'customer e-mail (booking-confirmation) planned but not sent yet: waiting for the customer documents',
        ),
        'booking.confirmed but no customer documents (documents.generated audience customer)',
      ]),
    );
    const failed = await eq(['trace', histories[1]!.reference], { env });
    expect(failed.stdout).toContain(
      'customer e-mail (booking-confirmation) requested but never SENT: FAILED after 1 attempt(s), last error: 550 mailbox unavailable (permanent',
    );
  });
});
