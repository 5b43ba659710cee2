import { BookingConfirmed, type Envelope } from '@express-quote/contracts';
import {
  createPublisher,
  type DeadLetter,
  ensureContextStream,
  PermanentError,
  type RunningConsumer,
  runConsumer,
} from '@express-quote/messaging';
import { createTestNats, type TestNats, testLogger, waitFor } from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingHistory } from './fixtures.ts';
import { envFor, eq } from './support.ts';

let nats: TestNats;
let env: Record<string, string>;
let consumer: RunningConsumer;
let broken = true;
const calls = new Map<string, number>();
const confirmedOf = (n: number) => bookingHistory(n).bookingStream.at(-1)! as Envelope;

const deadLetters = async () => (await eq(['dlq', 'list', '--json'], { env })).json<DeadLetter[]>();
const settled = async () => {
  // Every delivery acknowledged and nothing left: a second delivery would have shown by now.
  await waitFor('consumer settled', async () => {
    const info = await nats.jsm.consumers.info(nats.ns.stream('bookings'), 'test-documents');
    return info.num_pending === 0 && info.num_ack_pending === 0;
  });
};

beforeAll(async () => {
  nats = await createTestNats();
  env = envFor(nats);
  await ensureContextStream(nats.jsm, nats.ns, 'bookings');
  consumer = await runConsumer({
    nc: nats.nc,
    ns: nats.ns,
    logger: testLogger(),
    name: 'test-documents',
    context: 'bookings',
    filterSubject: BookingConfirmed.subject,
    events: [BookingConfirmed],
    concurrency: 2,
    maxDeliver: 3,
    backoffMs: [50],
    ackWaitMs: 5_000,
    handler: async (e) => {
      calls.set(e.data.reference, (calls.get(e.data.reference) ?? 0) + 1);
      if (broken) throw new PermanentError('template booking-confirmation is missing');
    },
  });
  const publisher = createPublisher(nats.nc, nats.ns);
  for (const n of [1, 2]) await publisher.publish(confirmedOf(n));
  await waitFor('two dead letters', async () => (await deadLetters()).length === 2);
}, 60_000);

afterAll(async () => {
  await consumer?.stop();
  await nats?.cleanup();
});

describe('eq dlq', () => {
  it('lists dead letters with their consumer and reason, and shows the original payload', async () => {
    const list = await eq(['dlq', 'list'], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(
      /BOOKINGS\s+#1\s+test-documents\s+terminated\s+1\s+template booking-confirmation is missing/,
    );
    expect((await eq(['dlq', 'list', '--stream', 'NOTIFY', '--json'], { env })).json()).toEqual([]);
    expect(
      (await eq(['dlq', 'list', '--consumer', 'test-documents', '--limit', '1', '--json'], { env })).json<
        unknown[]
      >(),
    ).toHaveLength(1);

    const [first] = await deadLetters();
    const show = await eq(['dlq', 'show', String(first!.dlqSequence)], { env });
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/reason\s+template booking-confirmation is missing/);
    expect(show.stdout).toContain('"reference": "EQ-2026-000001"');
    expect(show.stdout).toContain('Eq-Correlation-Id: evt_test000001abcdef');
    expect(show.stdout).toContain('j***@example.fr');
    expect(show.stdout).not.toContain('jeanne.dupont@example.fr');
    const missing = await eq(['dlq', 'show', '9999'], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no dead letter #9999');
  });

  it('refuses to purge or redrive without a target, or without --yes when nobody can answer', async () => {
    const noTarget = await eq(['dlq', 'redrive'], { env });
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toContain('say which dead letters');
    const unconfirmed = await eq(['dlq', 'purge', '--all'], { env });
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('pass --yes to confirm');
    const declined = await eq(['dlq', 'purge', '--all'], { env, answers: ['n'] });
    expect(declined.code).toBe(1);
    expect(declined.stderr).toContain('aborted: nothing was changed');
    expect(await deadLetters()).toHaveLength(2);
  });

  it('redrives one dead letter: delivered once more, then gone from the DLQ', async () => {
    broken = false;
    const [first] = await deadLetters();
    const r = await eq(['dlq', 'redrive', String(first!.dlqSequence), '--yes'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ #\d+ bookings\.booking\.confirmed → \S*BOOKINGS #3/);
    await waitFor('redriven message handled', () => calls.get('EQ-2026-000001') === 2);
    await settled();
    expect(calls.get('EQ-2026-000001')).toBe(2);
    expect(calls.get('EQ-2026-000002')).toBe(1);
    expect((await deadLetters()).map((d) => d.streamSequence)).toEqual([2]);

    const again = await eq(['dlq', 'redrive', String(first!.dlqSequence), '--yes'], { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no dead letter #${first!.dlqSequence}`);
    await settled();
    expect(calls.get('EQ-2026-000001')).toBe(2);
  });

  it('redrives all after a yes at the prompt, and purges what is not worth redriving', async () => {
    const redriven = await eq(['dlq', 'redrive', '--all'], { env, answers: ['y'] });
    expect(redriven.code).toBe(0);
    expect(redriven.stdout).toContain('1 redriven, 0 failed');
    await waitFor('second redrive handled', () => calls.get('EQ-2026-000002') === 2);
    await settled();
    expect(await deadLetters()).toEqual([]);

    broken = true;
    await createPublisher(nats.nc, nats.ns).publish(confirmedOf(3));
    await waitFor('third dead letter', async () => (await deadLetters()).length === 1);
    const purged = await eq(['dlq', 'purge', '--consumer', 'test-documents', '--yes'], { env });
    expect(purged.code).toBe(0);
    expect(purged.stdout).toContain('1 dead letter(s) deleted');
    expect(await deadLetters()).toEqual([]);
    await settled();
    expect(calls.get('EQ-2026-000003')).toBe(1);
  });
});
