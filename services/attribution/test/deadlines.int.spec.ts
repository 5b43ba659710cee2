import type { DataOf, ProfessionalProposed } from '@express-quote/contracts';
import { testLogger } from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributionTables } from '../src/database.ts';
import { startDeadlinePoller } from '../src/deadlines/deadline-poller.ts';
import { northOf } from '../src/domain/geo.ts';
import { attributionIdOf, attributionStream } from '../src/domain/ids.ts';
import { handleBookingConfirmed } from '../src/handlers/booking-confirmed.ts';
import { bookingConfirmed, newBookingId, PARIS, professional } from './fixtures.ts';
import { type Harness, startHarness, tokenOf } from './harness.ts';

const at = (km: number) => ({ ...northOf(PARIS, km), city: 'Ailleurs', postcode: '60000' });
const A = professional({ companyName: 'A (10 km)', location: at(10) });
const B = professional({ companyName: 'B (100 km)', location: at(100) });
const C = professional({ companyName: 'C (200 km)', location: at(200) });
const D = professional({ companyName: 'D (300 km)', location: at(300) });
const T0 = '2026-06-01T10:00:00.000Z';
const logger = testLogger();
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ professionals: [A, B, C, D], start: T0 });
});
afterAll(() => h?.stop());

type Proposal = DataOf<typeof ProfessionalProposed>;

const start = async () => {
  h.clock.set(T0);
  const bookingId = newBookingId();
  await handleBookingConfirmed(bookingConfirmed({ bookingId }), h.service.deps, logger);
  return attributionIdOf(bookingId);
};
const streamOf = (attributionId: string) => h.service.deps.store.readStream(attributionStream(attributionId));
const proposalsOf = async (attributionId: string, round: number) =>
  (await streamOf(attributionId))
    .filter((e) => e.type === 'attribution.professional_proposed' && (e.data as Proposal).round === round)
    .map((e) => e.data as Proposal);
const deadlineOf = (attributionId: string) =>
  attributionTables(h.database.db)
    .selectFrom('deadlines')
    .selectAll()
    .where('attribution_id', '=', attributionId)
    .executeTakeFirst();
const post = (token: string, action: string) =>
  h.service.app.inject({
    method: 'POST',
    url: '/attribution/respond',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ token, action }).toString(),
  });
const get = (token: string) =>
  h.service.app.inject({ method: 'GET', url: `/attribution/respond?token=${encodeURIComponent(token)}` });
const tick = async (attributionId: string) => {
  await h.service.deadlines.tick();
  return (await streamOf(attributionId)).map((e) => e.type);
};

describe('deadlines, with a controllable clock', () => {
  it('expiry → one wider round without the refusers → staff', async () => {
    const attributionId = await start();
    const round1 = await proposalsOf(attributionId, 1);
    expect(round1.map((p) => p.professional.companyName)).toEqual(['A (10 km)', 'B (100 km)']);
    expect(await deadlineOf(attributionId)).toMatchObject({
      round: 1,
      due_at: new Date('2026-06-01T14:00:00.000Z'),
    });

    // Before the deadline: nothing happens.
    h.clock.set('2026-06-01T13:59:59.000Z');
    expect(await tick(attributionId)).toHaveLength(3);

    expect((await post(tokenOf(round1[1]!.refuseUrl), 'refuse')).statusCode).toBe(200);

    // The deadline passes: round 2, radius 250 km, B (who refused) left out, C now within reach.
    h.clock.set('2026-06-01T14:00:00.000Z');
    const afterRound1 = await tick(attributionId);
    expect(afterRound1.slice(4)).toEqual([
      'attribution.expired',
      'attribution.professional_proposed',
      'attribution.professional_proposed',
    ]);
    const events = await streamOf(attributionId);
    expect(events[4]!.data).toMatchObject({
      round: 1,
      radiusKm: 150,
      next: 'REBROADCAST',
      rebroadcastRadiusKm: 250,
      proposedCount: 2,
      refusedCount: 1,
    });
    const round2 = await proposalsOf(attributionId, 2);
    expect(round2.map((p) => p.professional.companyName)).toEqual(['A (10 km)', 'C (200 km)']);
    expect(round2[0]!.respondBy).toBe('2026-06-01T18:00:00.000Z');
    expect(await deadlineOf(attributionId)).toMatchObject({
      round: 2,
      due_at: new Date('2026-06-01T18:00:00.000Z'),
    });

    // A's first link is dead, the new one works.
    expect((await get(tokenOf(round1[0]!.acceptUrl))).statusCode).toBe(410);
    expect((await get(tokenOf(round2[0]!.acceptUrl))).statusCode).toBe(200);

    // Nobody accepts the second round either: staff takes over, and the round is closed for good.
    h.clock.set('2026-06-01T18:00:00.000Z');
    const afterRound2 = await tick(attributionId);
    expect(afterRound2.slice(7)).toEqual(['attribution.expired', 'attribution.needs_staff']);
    expect((await streamOf(attributionId)).at(-1)!.data).toMatchObject({
      status: 'NEEDS_STAFF',
      reason: 'NO_ACCEPTANCE',
      rounds: 2,
      radiusKm: 250,
      proposedCount: 3,
      refusedCount: 1,
    });
    expect(await deadlineOf(attributionId)).toBeUndefined();
    h.clock.set('2026-06-01T17:59:00.000Z');
    expect((await get(tokenOf(round2[1]!.acceptUrl))).statusCode).toBe(410);
    h.clock.set('2026-06-02T18:00:00.000Z');
    expect(await tick(attributionId)).toHaveLength(9);
  });

  it('closes the round at once when everyone refused', async () => {
    const attributionId = await start();
    const round1 = await proposalsOf(attributionId, 1);
    h.clock.set('2026-06-01T10:30:00.000Z');
    for (const p of round1) expect((await post(tokenOf(p.refuseUrl), 'refuse')).statusCode).toBe(200);
    expect(await deadlineOf(attributionId)).toMatchObject({
      round: 1,
      due_at: new Date('2026-06-01T10:30:00.000Z'),
    });
    const types = await tick(attributionId);
    expect(types.slice(5)).toEqual(['attribution.expired', 'attribution.professional_proposed']);
    expect((await proposalsOf(attributionId, 2)).map((p) => p.professional.companyName)).toEqual([
      'C (200 km)',
    ]);
  });

  it('an acceptance in the second round ends the attribution; its deadline no longer fires', async () => {
    const attributionId = await start();
    h.clock.set('2026-06-01T14:00:00.000Z');
    await tick(attributionId);
    const round2 = await proposalsOf(attributionId, 2);
    h.clock.set('2026-06-01T15:00:00.000Z');
    expect((await post(tokenOf(round2[1]!.acceptUrl), 'accept')).statusCode).toBe(200);
    expect(await deadlineOf(attributionId)).toBeUndefined();
    h.clock.set('2026-06-01T19:00:00.000Z');
    const types = await tick(attributionId);
    expect(types.slice(-2)).toEqual(['attribution.professional_accepted', 'attribution.completed']);
  });

  it('two pollers share the due rounds and close each exactly once (SKIP LOCKED)', async () => {
    const ids = [await start(), await start(), await start(), await start()];
    const other = startDeadlinePoller(h.service.deps, { intervalMs: 3_600_000, logger });
    try {
      h.clock.set('2026-06-01T14:00:00.000Z');
      const [mine, theirs] = await Promise.all([h.service.deadlines.tick(), other.tick()]);
      expect(mine.length + theirs.length).toBeGreaterThanOrEqual(ids.length);
      for (const id of ids) {
        const expired = (await streamOf(id)).filter((e) => e.type === 'attribution.expired');
        expect(expired).toHaveLength(1);
        expect(await deadlineOf(id)).toMatchObject({ round: 2 });
      }
    } finally {
      await other.stop();
    }
  });

  it('a round that cannot be closed is postponed and does not hold back the other deadlines', async () => {
    const attributionId = await start();
    // An older due row whose attribution cannot be read (a store failure for that stream only).
    const poisoned = '0195f000-0000-7000-8000-00000000dead';
    await attributionTables(h.database.db)
      .insertInto('deadlines')
      .values({ attribution_id: poisoned, round: 1, due_at: new Date('2026-06-01T11:00:00.000Z') })
      .execute();
    const store = h.service.deps.store;
    const failing = Object.assign(Object.create(store), {
      readStream: (streamId: string, options?: Parameters<typeof store.readStream>[1]) =>
        streamId === attributionStream(poisoned)
          ? Promise.reject(new Error('unreadable stream'))
          : store.readStream(streamId, options),
    });
    const poller = startDeadlinePoller(
      { ...h.service.deps, store: failing },
      { intervalMs: 3_600_000, logger },
    );
    try {
      h.clock.set('2026-06-01T14:00:00.000Z');
      const outcomes = await poller.tick();
      expect(outcomes.map((o) => o.kind)).toContain('failed');
      expect(outcomes.map((o) => o.kind)).toContain('rebroadcast');
      expect((await deadlineOf(poisoned))?.due_at).toEqual(new Date('2026-06-01T14:01:00.000Z'));
      expect(await deadlineOf(attributionId)).toMatchObject({ round: 2 });
    } finally {
      await poller.stop();
      await attributionTables(h.database.db)
        .deleteFrom('deadlines')
        .where('attribution_id', '=', poisoned)
        .execute();
    }
  });
});
