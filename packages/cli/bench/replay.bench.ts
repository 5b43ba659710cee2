// Replay throughput: ~100k real contract events (20k notification.requested on NOTIFY, 80k status events on
// NOTIFICATIONS) replayed by `eq replay … --into notification-status` into a fresh table, in-process through the
// command itself (ordered consumer, zod validation, batched fold, one transaction per batch with its checkpoint).
// Then `eq projections rebuild notification-status` over the same history (build beside + swap). Own namespace and
// database, removed at the end.
import { PassThrough } from 'node:stream';
import {
  createEvent,
  deterministicId,
  type Envelope,
  NotificationDelivered,
  NotificationRequested,
  NotificationSending,
  NotificationSent,
  notifySubject,
} from '@express-quote/contracts';
import { EqHeaders, ensureContextStream } from '@express-quote/messaging';
import { createTestDatabase, createTestNats } from '@express-quote/testing';
import { headers } from '@nats-io/transport-node';
import { sql } from 'kysely';
import { runCli } from '../src/cli.ts';

export interface Row {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const NOTIFICATIONS = 20_000;
const GOAL = 50_000;

// The notifications service's table (services/notifications/src/migrations.ts, 001): a benchmark cannot import a
// service, and the CLI builds its replay tables LIKE this one.
const statusTable = sql`
  create table notifications.notification_status (
    notification_id uuid primary key, booking_id uuid, channel text, template text, recipient_kind text,
    status text not null, attempts integer not null, provider text, provider_message_id text, last_error text,
    retriable boolean, requested_at timestamptz, sending_at timestamptz, sent_at timestamptz, failed_at timestamptz,
    delivered_at timestamptz, undelivered_at timestamptz, updated_at timestamptz not null, facts jsonb not null)`;

const history = (i: number): Array<[Envelope, string]> => {
  const bookingId = deterministicId('bench-booking', Math.floor(i / 6));
  const cause = { externalId: `evt_bench_${Math.floor(i / 6)}` };
  const notificationId = deterministicId('bench-notification', i);
  const channel = i % 3 === 0 ? 'sms' : 'email';
  const request = createEvent(
    NotificationRequested,
    {
      notificationId,
      channel,
      priority: 'HIGH',
      template: channel === 'sms' ? 'booking-confirmation-sms' : 'professional-document',
      recipient: {
        kind: 'staff',
        id: null,
        name: 'Équipe opérations',
        email: 'ops@express-quote.fr',
        phone: null,
      },
      data: {
        bookingReference: 'EQ-2026-000123',
        serviceDate: 'lundi 20 avril 2026',
        totalAmount: '459,00 €',
      },
      attachments: [],
      documentsMissing: false,
      bookingId,
      trigger: { eventId: deterministicId('trigger', i), type: 'booking.confirmed' },
    },
    { cause, id: notificationId },
  );
  const common = { notificationId, channel, bookingId } as const;
  const at = new Date().toISOString();
  const provider = { provider: 'bench', providerMessageId: `p-${i}` };
  return [
    [request, notifySubject(channel, 'HIGH')],
    [
      createEvent(NotificationSending, { ...common, attempt: 1, at }, { cause: request }),
      NotificationSending.subject,
    ],
    [
      createEvent(NotificationSending, { ...common, attempt: 2, at }, { cause: request }),
      NotificationSending.subject,
    ],
    [
      createEvent(NotificationSent, { ...common, attempt: 2, ...provider, at }, { cause: request }),
      NotificationSent.subject,
    ],
    [
      createEvent(
        NotificationDelivered,
        { ...common, ...provider, status: 'delivered', at },
        { cause: request },
      ),
      NotificationDelivered.subject,
    ],
  ];
};

const quietIo = () => {
  let stdout = '';
  const stdin = new PassThrough();
  stdin.end();
  return {
    io: {
      stdout: { write: (t: string) => (stdout += t), isTTY: false },
      stderr: { write: () => true, isTTY: false },
      stdin,
      env: {} as Record<string, string>,
      signal: new AbortController().signal,
    },
    stdout: () => stdout,
  };
};

export const run = async (): Promise<Row[]> => {
  const nats = await createTestNats();
  const database = await createTestDatabase();
  try {
    await ensureContextStream(nats.jsm, nats.ns, 'notify');
    await ensureContextStream(nats.jsm, nats.ns, 'notifications');
    await sql`create schema notifications`.execute(database.db);
    await statusTable.execute(database.db);

    // Pipelined publishing (this is set-up, not measured).
    let published = 0;
    for (let start = 0; start < NOTIFICATIONS; start += 500) {
      const acks: Promise<unknown>[] = [];
      for (let i = start; i < Math.min(NOTIFICATIONS, start + 500); i++) {
        for (const [e, subject] of history(i)) {
          const h = headers();
          h.set(EqHeaders.Type, e.type);
          h.set(EqHeaders.CorrelationId, e.correlationId);
          acks.push(
            nats.js.publish(nats.ns.subject(subject), JSON.stringify(e), { msgID: e.id, headers: h }),
          );
          published++;
        }
      }
      await Promise.all(acks);
    }

    const env = { NATS_URL: nats.url, NATS_NAMESPACE: nats.ns.prefix, DATABASE_URL: database.url };
    const replay = async (stream: string) => {
      const { io, stdout } = quietIo();
      io.env = env;
      const code = await runCli(
        [
          'replay',
          stream,
          '--into',
          'notification-status',
          '--table',
          'bench_replay',
          '--json',
          ...(process.env.BENCH_BATCH ? ['--batch', process.env.BENCH_BATCH] : []),
        ],
        io,
      );
      if (code !== 0) throw new Error(`eq replay ${stream} exited ${code}`);
      return JSON.parse(stdout()) as { messages: number; seconds: number; rowsChanged: number };
    };
    const started = performance.now();
    const notify = await replay('NOTIFY');
    const statuses = await replay('NOTIFICATIONS');
    const total = (performance.now() - started) / 1000;
    const events = notify.messages + statuses.messages;

    const { io, stdout } = quietIo();
    io.env = env;
    const rebuildStarted = performance.now();
    const code = await runCli(['projections', 'rebuild', 'notification-status', '--yes', '--json'], io);
    if (code !== 0) throw new Error(`eq projections rebuild exited ${code}`);
    const rebuilt = JSON.parse(stdout()) as { rows: number; eventsRead: number };
    const rebuildSeconds = (performance.now() - rebuildStarted) / 1000;

    const rate = Math.round(events / total);
    return [
      {
        name: 'history published',
        value: published,
        unit: 'events',
        note: `${NOTIFICATIONS} notifications × 5 events`,
      },
      {
        name: 'replay NOTIFY → fresh table',
        value: Math.round(notify.messages / notify.seconds),
        unit: 'events/s',
        note: `${notify.messages} commands, ${notify.rowsChanged} rows`,
      },
      {
        name: 'replay NOTIFICATIONS → same table',
        value: Math.round(statuses.messages / statuses.seconds),
        unit: 'events/s',
        note: `${statuses.messages} status events`,
      },
      {
        name: 'replay, both streams',
        value: rate,
        unit: 'events/s',
        note: `${events} events in ${total.toFixed(2)} s; goal ≥ ${GOAL.toLocaleString('en-US')}/s ${rate >= GOAL ? 'met' : 'NOT met'}`,
      },
      {
        name: 'projections rebuild (build beside + swap)',
        value: Math.round(rebuilt.eventsRead / rebuildSeconds),
        unit: 'events/s',
        note: `${rebuilt.rows} rows in ${rebuildSeconds.toFixed(2)} s`,
      },
    ];
  } finally {
    await nats.cleanup();
    await database.drop();
  }
};
