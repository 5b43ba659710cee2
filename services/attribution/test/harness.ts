import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Envelope, parseEvent } from '@express-quote/contracts';
import { loadConfig } from '@express-quote/service-kit';
import {
  createTestDatabase,
  createTestNats,
  type TestDatabase,
  type TestNats,
  testLogger,
  waitFor,
} from '@express-quote/testing';
import { AttributionConfig } from '../src/config.ts';
import type { Professional } from '../src/domain/professional.ts';
import { type AttributionService, startAttributionService } from '../src/service.ts';
import { ADMIN_TOKEN, LINK_SECRET } from './fixtures.ts';

/** A business clock the test moves by hand. */
export interface ManualClock {
  now: () => Date;
  set(at: Date | string): void;
  advance(ms: number): void;
}

export const manualClock = (start: Date | string): ManualClock => {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set: (at) => {
      current = new Date(at).getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
};

export interface Harness {
  service: AttributionService;
  nats: TestNats;
  database: TestDatabase;
  clock: ManualClock;
  /** Every event on this namespace's ATTRIBUTION stream, in order. */
  attributionEvents(): Promise<Envelope[]>;
  stop(): Promise<void>;
}

/**
 * The service started in-process on a namespace and a database of its own, with the given professionals as its
 * fixture, a manual clock and the deadline poller left to the test (`service.deadlines.tick()`).
 */
export const startHarness = async (options: {
  professionals: Professional[];
  env?: Record<string, string>;
  start?: string;
}): Promise<Harness> => {
  const nats = await createTestNats();
  const database = await createTestDatabase();
  const dir = await mkdtemp(join(tmpdir(), 'attribution-test-'));
  const fixturePath = join(dir, 'professionals.json');
  await writeFile(fixturePath, JSON.stringify({ version: 1, professionals: options.professionals }));
  const clock = manualClock(options.start ?? '2026-06-01T10:00:00.000Z');
  const config = loadConfig(AttributionConfig, {
    NATS_URL: nats.url,
    DATABASE_URL: database.url,
    NATS_NAMESPACE: nats.ns.prefix,
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_BASE_URL: 'http://attribution.test',
    ATTRIBUTION_LINK_SECRET: LINK_SECRET,
    ADMIN_TOKEN,
    PROFESSIONALS_FIXTURE_PATH: fixturePath,
    // The test drives the poller itself.
    DEADLINE_POLL_INTERVAL_MS: '1h',
    RESPOND_RATE_LIMIT_PER_MINUTE: '1000',
    ...options.env,
  });
  const service = await startAttributionService({
    config,
    logger: testLogger('attribution'),
    clock: clock.now,
  });

  const attributionEvents = async (): Promise<Envelope[]> => {
    const stream = nats.ns.stream('attribution');
    const info = await nats.jsm.streams.info(stream);
    const events: Envelope[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const msg = await nats.jsm.streams.getMessage(stream, { seq });
      if (msg) events.push(parseEvent(msg.json()));
    }
    return events;
  };

  return {
    service,
    nats,
    database,
    clock,
    attributionEvents,
    async stop() {
      await service.stop();
      await nats.cleanup();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
};

/** Waits until the ATTRIBUTION stream holds at least `count` events of `type`. */
export const waitForEvents = async (harness: Harness, type: string, count = 1): Promise<Envelope[]> =>
  waitFor(`${count} × ${type} on ATTRIBUTION`, async () => {
    const found = (await harness.attributionEvents()).filter((e) => e.type === type);
    return found.length >= count ? found : undefined;
  });

/** The token query parameter of a link. */
export const tokenOf = (link: string): string => new URL(link).searchParams.get('token') ?? '';
