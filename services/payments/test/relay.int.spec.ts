import { createEvent, type Envelope, PaymentCompleted } from '@express-quote/contracts';
import { createTestDatabase, type TestDatabase, testLogger } from '@express-quote/testing';
import { type Kysely, sql } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, type PaymentsDatabase } from '../src/database.ts';
import { envelopeIdFor } from '../src/domain/translate-stripe-event.ts';
import { createPaymentsMetrics } from '../src/metrics.ts';
import { migratePayments } from '../src/migrations.ts';
import { createStripeEventLog, type StripeEventLog } from '../src/stripe-event-log.ts';
import { type StripeEventRelay, startStripeEventRelay } from '../src/stripe-event-relay.ts';

let database: TestDatabase;
let db: Kysely<PaymentsDatabase>;
let log: StripeEventLog;
const relays: StripeEventRelay[] = [];

const envelopeFor = (stripeEventId: string): Envelope =>
  createEvent(
    PaymentCompleted,
    {
      stripeEventId,
      livemode: false,
      checkoutSessionId: `cs_${stripeEventId}`,
      paymentIntentId: null,
      temporaryId: `tmp_${stripeEventId}`,
      amountCents: 100,
      currency: 'EUR',
      paymentStatus: 'paid',
      customer: { firstName: null, lastName: null, email: null, phone: null },
    },
    { cause: { externalId: stripeEventId }, id: envelopeIdFor(stripeEventId) },
  );

/** Records rows one after the other (distinct received_at), as the webhook does, without publishing them. */
const recordUnpublished = async (ids: string[]) => {
  for (const id of ids) {
    await log.record({
      id,
      type: 'checkout.session.completed',
      livemode: false,
      payloadJson: JSON.stringify({ id }),
      outcome: 'payment.completed',
      envelope: envelopeFor(id),
    });
  }
};

/** A relay whose background loop never runs (its `ready` never resolves): the test drives runOnce(). */
const manualRelay = (publish: (e: Envelope) => Promise<unknown>) => {
  const relay = startStripeEventRelay({
    db,
    log,
    publish,
    logger: testLogger('relay'),
    metrics: createPaymentsMetrics(new Registry(), () => log.countUnpublished()),
    intervalMs: 60_000,
    graceMs: 0,
    ready: new Promise(() => {}),
  });
  relays.push(relay);
  return relay;
};

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDatabase({ url: database.url, poolMax: 5, logger: testLogger() });
  await migratePayments(db);
  log = createStripeEventLog(db);
});

beforeEach(async () => {
  await db.deleteFrom('payments.stripe_events').execute();
});

afterAll(async () => {
  for (const relay of relays) await relay.stop();
  await db?.destroy();
  await database?.drop();
});

describe('stripe event relay', () => {
  it('publishes recorded-but-unpublished rows in received order and marks them', async () => {
    await recordUnpublished(['evt_a', 'evt_b', 'evt_c']);
    const published: string[] = [];
    const relay = manualRelay(async (e) => published.push(e.causationId));
    expect(await relay.runOnce()).toBe(3);
    expect(published).toEqual(['evt_a', 'evt_b', 'evt_c']);
    expect(await log.countUnpublished()).toBe(0);
    // Nothing is due any more.
    expect(await relay.runOnce()).toBe(0);
    expect(published).toHaveLength(3);
  });

  it('stops at the first failed publish (no overtaking) and resumes there', async () => {
    await recordUnpublished(['evt_1', 'evt_2', 'evt_3']);
    const published: string[] = [];
    let natsDown = false;
    const relay = manualRelay(async (e) => {
      if (natsDown) throw new Error('TIMEOUT');
      published.push(e.causationId);
      if (e.causationId === 'evt_1') natsDown = true;
    });
    await expect(relay.runOnce()).rejects.toThrow('TIMEOUT');
    expect(published).toEqual(['evt_1']);
    expect(await log.countUnpublished()).toBe(2);
    natsDown = false;
    expect(await relay.runOnce()).toBe(2);
    expect(published).toEqual(['evt_1', 'evt_2', 'evt_3']);
  });

  it('lets only one relay publish a row when two instances run at once', async () => {
    await recordUnpublished(['evt_x', 'evt_y', 'evt_z']);
    const published: string[] = [];
    const slowPublish = async (e: Envelope) => {
      await new Promise((r) => setTimeout(r, 20));
      published.push(e.causationId);
    };
    const [a, b] = [manualRelay(slowPublish), manualRelay(slowPublish)];
    const counts = await Promise.all([a.runOnce(), b.runOnce()]);
    expect(counts[0] + counts[1]).toBe(3);
    expect(published.sort()).toEqual(['evt_x', 'evt_y', 'evt_z']);
  });

  it('leaves rows younger than the grace period to the webhook that is publishing them', async () => {
    await recordUnpublished(['evt_fresh']);
    const published: string[] = [];
    const relay = startStripeEventRelay({
      db,
      log,
      publish: async (e) => published.push(e.causationId),
      logger: testLogger('relay'),
      metrics: createPaymentsMetrics(new Registry(), () => log.countUnpublished()),
      intervalMs: 60_000,
      graceMs: 60_000,
      ready: new Promise(() => {}),
    });
    relays.push(relay);
    expect(await relay.runOnce()).toBe(0);
    expect(published).toEqual([]);
  });
});

describe('database pools', () => {
  it('records with synchronous commit (the 200 to Stripe promises durability); marks may skip the disk flush', async () => {
    const setting = async (kysely: Kysely<PaymentsDatabase>) =>
      (await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(kysely)).rows[0]
        ?.synchronous_commit;
    const markDb = createDatabase({
      url: database.url,
      poolMax: 1,
      logger: testLogger(),
      synchronousCommit: false,
    });
    try {
      expect(await setting(db)).toBe('on');
      expect(await setting(markDb)).toBe('off');
    } finally {
      await markDb.destroy();
    }
  });
});
