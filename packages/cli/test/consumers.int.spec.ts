import type { Envelope } from '@express-quote/contracts';
import { createPublisher, ensureConsumer, ensureContextStream } from '@express-quote/messaging';
import { createTestNats, type TestNats, waitFor } from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsumerRow } from '../src/commands/consumers-status.ts';
import { bookingHistory } from './fixtures.ts';
import { envFor, eq } from './support.ts';

let nats: TestNats;
let env: Record<string, string>;
const declaration = (durable: string, filter: string) => ({
  durable,
  filterSubject: nats.ns.subject(filter),
  maxDeliver: 5,
  ackWaitMs: 20_000,
  maxAckPending: 100,
  description: `${durable}: test`,
});

const drain = async (durable: string, stream = nats.ns.stream('bookings')) => {
  const c = await nats.js.consumers.get(stream, durable);
  const seqs: number[] = [];
  for (;;) {
    const info = await c.info();
    if (info.num_pending === 0) break;
    for await (const m of await c.fetch({ max_messages: info.num_pending, expires: 2_000 })) {
      seqs.push(m.seq);
      expect(m.info.deliveryCount).toBe(1);
      m.ack();
    }
  }
  await nats.nc.flush();
  return seqs;
};

beforeAll(async () => {
  nats = await createTestNats();
  env = envFor(nats);
  await ensureContextStream(nats.jsm, nats.ns, 'bookings');
  await ensureContextStream(nats.jsm, nats.ns, 'notify');
  const publisher = createPublisher(nats.nc, nats.ns);
  for (let n = 1; n <= 5; n++) await publisher.publish(bookingHistory(n).bookingStream.at(-1)! as Envelope);
  const [email] = bookingHistory(1).notify;
  await publisher.publish(email![0], { subject: email![1] });
  await ensureConsumer(
    nats.jsm,
    nats.ns.stream('bookings'),
    declaration('test-lagging', 'bookings.booking.confirmed'),
  );
  await ensureConsumer(
    nats.jsm,
    nats.ns.stream('notify'),
    declaration('email-delivery-high', 'notify.email.high'),
  );
});

afterAll(async () => {
  await nats?.cleanup();
});

describe('eq consumers status', () => {
  it('exits 1 when a consumer lags over --max-pending, 0 otherwise', async () => {
    const over = await eq(['consumers', 'status', '--max-pending', '3'], { env });
    expect(over.code).toBe(1);
    expect(over.stdout).toMatch(/_BOOKINGS\s+test-lagging\s+5\s+0\s+0\s+0\s+#0\s+#0\s+\S+\s+LAG 5 > 3/);
    expect(over.stdout).toContain('1 consumer(s) over the threshold (3): test-lagging');
    const within = await eq(['consumers', 'status', '--max-pending', '5'], { env });
    expect(within.code).toBe(0);
    expect(within.stdout).toContain("every consumer's lag is within 5");
    const json = await eq(['consumers', 'status', '--stream', 'NOTIFY', '--json', '--max-pending', '0'], {
      env,
    });
    expect(json.code).toBe(1);
    const body = json.json<{ over: number; consumers: ConsumerRow[] }>();
    expect(body.consumers.map((c) => [c.consumer, c.pending, c.ackPending])).toEqual([
      ['email-delivery-high', 1, 0],
    ]);
    expect(body.over).toBe(1);
  });

  it('rejects a bad threshold with the usage', async () => {
    const r = await eq(['consumers', 'status', '--max-pending', 'ten'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--max-pending must be a non-negative integer');
    expect(r.stderr).toContain('usage: eq consumers status');
  });
});

describe('eq replay into a durable consumer', () => {
  it('rewinds a durable to --from after confirmation, keeping the configuration its service declares', async () => {
    expect(await drain('test-lagging')).toEqual([1, 2, 3, 4, 5]);
    const unconfirmed = await eq(
      ['replay', 'BOOKINGS', '--into', 'consumer:test-lagging', '--from', '3', '--no-watch'],
      { env },
    );
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('pass --yes');
    expect((await nats.jsm.consumers.info(nats.ns.stream('bookings'), 'test-lagging')).num_pending).toBe(0);

    const r = await eq(
      ['replay', 'BOOKINGS', '--into', 'consumer:test-lagging', '--from', '3', '--no-watch', '--yes'],
      { env },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('test-lagging: rewound to #3, 2 earlier message(s) acknowledged');
    const info = await nats.jsm.consumers.info(nats.ns.stream('bookings'), 'test-lagging');
    expect(info.config).toMatchObject({
      max_deliver: 5,
      ack_wait: 20_000_000_000,
      max_ack_pending: 100,
      deliver_policy: 'all',
    });
    // The owning service starts again: its declaration is accepted as it is (no conflict on immutable fields).
    await ensureConsumer(
      nats.jsm,
      nats.ns.stream('bookings'),
      declaration('test-lagging', 'bookings.booking.confirmed'),
    );
    expect(await drain('test-lagging')).toEqual([3, 4, 5]);
  });

  it('runs again without rewinding twice', async () => {
    await eq(
      [
        'replay',
        'BOOKINGS',
        '--into',
        'consumer:test-again',
        '--from',
        '4',
        '--filter',
        'bookings.booking.confirmed',
        '--no-watch',
      ],
      { env },
    );
    const again = await eq(
      ['replay', 'BOOKINGS', '--into', 'consumer:test-again', '--from', '4', '--no-watch'],
      { env },
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('test-again: already rewound to #4, 0 earlier message(s) acknowledged');
    expect(await drain('test-again')).toEqual([4, 5]);
  });

  it('watches the service work through the replay until it has caught up', async () => {
    const run = eq(
      [
        'replay',
        'BOOKINGS',
        '--into',
        'consumer:test-watch',
        '--from',
        '2',
        '--filter',
        'bookings.booking.confirmed',
      ],
      { env },
    );
    await waitFor('durable skipped to #2', async () => {
      try {
        const info = await nats.jsm.consumers.info(nats.ns.stream('bookings'), 'test-watch');
        return info.ack_floor.stream_seq === 1;
      } catch {
        return false;
      }
    });
    expect(await drain('test-watch')).toEqual([2, 3, 4, 5]);
    const r = await run;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('4 replayed, caught up');
    expect(r.stderr).toMatch(/test-watch \[#+\] 4\/4 100%/);
  });

  it('refuses to replay into consumers that send messages to people unless --allow-side-effects', async () => {
    const refused = await eq(
      ['replay', 'NOTIFY', '--into', 'consumer:email-delivery-high', '--from', '1', '--no-watch', '--yes'],
      { env },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refused: email-delivery-high consumes NOTIFY');
    expect(refused.stderr).toContain('deterministic ids should make it a no-op');
    const planner = await eq(
      ['replay', 'BOOKINGS', '--into', 'consumer:notifications-booking-confirmed', '--no-watch', '--yes'],
      { env },
    );
    expect(planner.code).toBe(1);
    expect(planner.stderr).toContain('notifications planner');
    const allowed = await eq(
      [
        'replay',
        'NOTIFY',
        '--into',
        'consumer:email-delivery-high',
        '--from',
        '1',
        '--no-watch',
        '--yes',
        '--allow-side-effects',
      ],
      { env },
    );
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toContain('--allow-side-effects: email-delivery-high consumes NOTIFY');
  });

  it('refuses to rewind a durable whose service is still pulling', async () => {
    await ensureConsumer(
      nats.jsm,
      nats.ns.stream('bookings'),
      declaration('test-busy', 'bookings.booking.confirmed'),
    );
    await drain('test-busy');
    const c = await nats.js.consumers.get(nats.ns.stream('bookings'), 'test-busy');
    const waiting = await c.fetch({ max_messages: 10, expires: 10_000 });
    const pulling = (async () => {
      for await (const m of waiting) m.nak();
    })();
    await waitFor('pull request registered', async () => (await c.info()).num_waiting > 0);
    const r = await eq(
      ['replay', 'BOOKINGS', '--into', 'consumer:test-busy', '--from', '1', '--yes', '--no-watch'],
      { env },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('pull request(s) waiting: its service is running');
    await waiting.close();
    await pulling;
  });
});
