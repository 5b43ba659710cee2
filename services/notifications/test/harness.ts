import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Envelope, type Namespace, parseEvent } from '@express-quote/contracts';
import { createPublisher, type Publisher } from '@express-quote/messaging';
import { loadConfig } from '@express-quote/service-kit';
import {
  createTestDatabase,
  createTestNats,
  type TestDatabase,
  type TestNats,
  testLogger,
} from '@express-quote/testing';
import type { PubAck } from '@nats-io/jetstream';
import { NotificationsConfig } from '../src/config.ts';
import type { StaffFixture } from '../src/domain/staff.ts';
import { type NotificationsService, startNotificationsService } from '../src/service.ts';
import { DIRECTORY } from './fixtures.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const DOCUMENTS_URL_SECRET = 'test-documents-secret';
export const SUPPORT_URL = 'https://support.express-quote.test/aide';
export const DOCUMENTS_PUBLIC_URL = 'https://documents.express-quote.test';

/** A clock the test moves by hand: deadlines pass without waiting. */
export interface TestClock {
  now(): Date;
  advance(ms: number): void;
  /** Jumps to an instant (reminder tests: a day before a service, the morning of it…). */
  set(at: Date | string): void;
}

export const testClock = (start = new Date()): TestClock => {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance: (ms) => {
      t += ms;
    },
    set: (at) => {
      t = new Date(at).getTime();
    },
  };
};

export interface NotifyMessage {
  subject: string;
  seq: number;
  event: Envelope & { data: Record<string, unknown> };
}

export interface Harness {
  nats: TestNats;
  tdb: TestDatabase;
  ns: Namespace;
  clock: TestClock;
  service: NotificationsService;
  publisher: Publisher;
  fixturePath: string;
  /** Starts (again) the service on the same namespace and database. */
  start(env?: Record<string, string>): Promise<NotificationsService>;
  /** Publishes as an upstream service would (msgID = event id). */
  publish(event: Envelope, subject?: string): Promise<PubAck>;
  /** The same event under another msgID: what a relay republishing after the duplicate window produces. */
  redeliver(event: Envelope, subject: string): Promise<PubAck>;
  /** Every message stored on the namespace's NOTIFY stream, in order. */
  notifyMessages(): Promise<NotifyMessage[]>;
  /** Resolves once the durable consumer has acknowledged everything up to `seq` of its stream. */
  consumed(stream: string, durable: string, seq: number): Promise<void>;
  cleanup(): Promise<void>;
}

export const writeFixture = async (path: string, fixture: StaffFixture) =>
  writeFile(path, JSON.stringify(fixture, null, 2));

export const startHarness = async (env: Record<string, string> = {}): Promise<Harness> => {
  const nats = await createTestNats();
  const tdb = await createTestDatabase();
  const dir = await mkdtemp(join(tmpdir(), 'eq-notifications-'));
  const fixturePath = join(dir, 'staff.json');
  await writeFixture(fixturePath, { version: 1, staff: DIRECTORY });
  const clock = testClock();
  const publisher = createPublisher(nats.nc, nats.ns);

  const start = async (extra: Record<string, string> = {}) =>
    startNotificationsService({
      config: loadConfig(NotificationsConfig, {
        NATS_URL: nats.url,
        NATS_NAMESPACE: nats.ns.prefix,
        DATABASE_URL: tdb.url,
        DATABASE_POOL_MAX: '5',
        ADMIN_TOKEN,
        DOCUMENTS_URL_SECRET,
        DOCUMENTS_PUBLIC_URL,
        SUPPORT_URL,
        STAFF_FIXTURE_PATH: fixturePath,
        // Deadlines are driven by the test clock and explicit poller ticks, not by waiting.
        RELEASE_POLL_INTERVAL_MS: '1h',
        REMINDER_POLL_INTERVAL_MS: '1h',
        CONSUMER_BACKOFF_MS: '100ms,200ms',
        CONSUMER_ACK_WAIT_MS: '5s',
        LOG_LEVEL: 'silent',
        ...env,
        ...extra,
      }),
      logger: testLogger('notifications'),
      now: clock.now,
      listen: false,
    });

  const harness: Harness = {
    nats,
    tdb,
    ns: nats.ns,
    clock,
    fixturePath,
    publisher,
    service: await start(),
    start: async (extra) => {
      harness.service = await start(extra);
      return harness.service;
    },
    publish: (event, subject) => publisher.publish(event, subject ? { subject } : {}),
    redeliver: (event, subject) =>
      nats.js.publish(nats.ns.subject(subject), JSON.stringify(event), { msgID: crypto.randomUUID() }),
    async notifyMessages() {
      const stream = nats.ns.stream('notify');
      const info = await nats.jsm.streams.info(stream);
      const out: NotifyMessage[] = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
        const m = await nats.jsm.streams.getMessage(stream, { seq });
        if (!m) continue;
        out.push({
          subject: nats.ns.relative(m.subject),
          seq,
          event: parseEvent(m.json()) as NotifyMessage['event'],
        });
      }
      return out;
    },
    async consumed(stream, durable, seq) {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const info = await nats.jsm.consumers.info(stream, durable);
        if (info.ack_floor.stream_seq >= seq && info.num_ack_pending === 0) return;
        if (Date.now() > deadline) throw new Error(`${durable} did not consume up to ${seq}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async cleanup() {
      await harness.service.stop();
      await nats.cleanup();
      await tdb.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
};
