import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deterministicId } from '@express-quote/contracts';
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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationView } from '../src/projections/notification-queries.ts';
import { bookingConfirmed, customerDocuments, documentsGenerated, internalDocuments } from './fixtures.ts';
import { ADMIN_TOKEN, DOCUMENTS_URL_SECRET } from './harness.ts';

const root = join(import.meta.dirname, '..', '..', '..');
let tn: TestNats;
let database: TestDatabase;
let stack: Stack;
let logDir: string;

beforeAll(async () => {
  [tn, database, logDir] = await Promise.all([
    createTestNats(),
    createTestDatabase(),
    mkdtemp(join(tmpdir(), 'eq-notifications-e2e-')),
  ]);
  stack = await startStack({
    root,
    logDir,
    services: [{ name: 'notifications', port: await freePort() }],
    env: {
      NATS_URL: tn.url,
      NATS_NAMESPACE: tn.ns.prefix,
      DATABASE_URL: database.url,
      LOG_LEVEL: 'warn',
      ADMIN_TOKEN,
      DOCUMENTS_URL_SECRET,
      // Messages in flight at the SIGKILL come back after ack_wait: keep it short here.
      CONSUMER_ACK_WAIT_MS: '2s',
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  await tn?.cleanup();
  await database?.drop();
  if (logDir) await rm(logDir, { recursive: true, force: true });
});

const notifyCount = async () => (await tn.jsm.streams.info(tn.ns.stream('notify'))).state.messages;

describe('notifications as its own process (node services/notifications/src/main.ts)', () => {
  it('killed (SIGKILL) mid-batch: after a restart every booking has its messages, each stored once', async () => {
    // The shipped fixture: MOVING → resp-demenagement, operations, direction, comptabilite.
    const bookings = Array.from({ length: 30 }, (_, i) =>
      bookingConfirmed({ bookingId: deterministicId('notifications-e2e', i) }),
    );
    const publisher = createPublisher(tn.nc, tn.ns);
    for (const b of bookings) {
      await publisher.publish(b);
      const bookingId = b.data.bookingId;
      await publisher.publish(
        documentsGenerated({ audience: 'customer', bookingId, documents: customerDocuments(bookingId) }, b),
      );
      await publisher.publish(
        documentsGenerated({ audience: 'internal', bookingId, documents: internalDocuments(bookingId) }, b),
      );
    }
    await waitFor('the first messages', async () => (await notifyCount()) > 0, { timeoutMs: 30_000 });
    await stack.kill('notifications', 'SIGKILL');
    await stack.restart('notifications');

    const expected = bookings.length * 6;
    await waitFor(`${expected} messages`, async () => (await notifyCount()) >= expected, {
      timeoutMs: 30_000,
    });
    // Nothing more comes: each notification id was stored once.
    expect(await notifyCount()).toBe(expected);

    const url = stack.url('notifications');
    const sample = bookings[bookings.length - 1]!;
    const body = await waitFor('the projection of the last booking', async () => {
      const res = await fetch(`${url}/api/notifications?bookingId=${sample.data.bookingId}`);
      if (res.status !== 200) return false;
      const json = (await res.json()) as { notifications: NotificationView[] };
      return json.notifications.every((n) => n.status === 'PENDING' && n.requestedAt) && json;
    });
    expect(body.notifications.map((n) => n.template).sort()).toEqual([
      'booking-confirmation',
      'booking-confirmation-sms',
      ...Array(4).fill('professional-document'),
    ]);
    expect(body.notifications.filter((n) => n.attachments.length > 0)).toHaveLength(5);
  });

  it('refuses the staff API without the token over real HTTP and stops cleanly on SIGTERM', async () => {
    const url = stack.url('notifications');
    expect((await fetch(`${url}/api/staff`)).status).toBe(401);
    const ok = await fetch(`${url}/api/staff`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(ok.status).toBe(200);
    const svc = stack.services.get('notifications');
    await stack.kill('notifications', 'SIGTERM');
    expect(svc?.process.exitCode).toBe(0);
  });
});
