import {
  BookingCancelled,
  createEvent,
  type DataOf,
  type ProfessionalProposed,
} from '@express-quote/contracts';
import { createHttpApp } from '@express-quote/service-kit';
import { testLogger, waitFor } from '@express-quote/testing';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributionTables } from '../src/database.ts';
import { northOf } from '../src/domain/geo.ts';
import { attributionIdOf, attributionStream } from '../src/domain/ids.ts';
import { createLinkSigner } from '../src/domain/link-token.ts';
import { handleBookingCancelled } from '../src/handlers/booking-cancelled.ts';
import { handleBookingConfirmed } from '../src/handlers/booking-confirmed.ts';
import { respondRoutes } from '../src/http/respond.ts';
import { bookingConfirmed, newBookingId, PARIS, professional } from './fixtures.ts';
import { type Harness, startHarness, tokenOf } from './harness.ts';

// 20 professionals 1..20 km north of the pickup: every booking below proposes to all of them.
const pros = Array.from({ length: 20 }, (_, i) =>
  professional({
    companyName: `Déménageurs ${String(i + 1).padStart(2, '0')}`,
    location: { ...northOf(PARIS, i + 1), city: 'Paris', postcode: '75018' },
  }),
);
const logger = testLogger();
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ professionals: pros, env: { MAX_PROPOSALS_PER_ROUND: '25' } });
});
afterAll(() => h?.stop());

type Proposal = DataOf<typeof ProfessionalProposed>;

/** A fresh booking confirmed and broadcast to the 20 professionals; its proposals, nearest first. */
const broadcast = async () => {
  const bookingId = newBookingId();
  const event = bookingConfirmed({ bookingId });
  await handleBookingConfirmed(event, h.service.deps, logger);
  const attributionId = attributionIdOf(bookingId);
  const stored = await h.service.deps.store.readStream(attributionStream(attributionId));
  const proposals = stored
    .filter((e) => e.type === 'attribution.professional_proposed')
    .map((e) => e.data as Proposal);
  expect(proposals).toHaveLength(20);
  return { bookingId, attributionId, event, proposals };
};

const get = (token: string) =>
  h.service.app.inject({ method: 'GET', url: `/attribution/respond?token=${encodeURIComponent(token)}` });
const post = (token: string, action: string) =>
  h.service.app.inject({
    method: 'POST',
    url: '/attribution/respond',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ token, action }).toString(),
  });

/** What a request may have written: the stream, used tokens, refusals. */
const footprint = async (attributionId: string) => {
  const t = attributionTables(h.database.db);
  const count = async (table: 'used_tokens' | 'refusals') =>
    Number(
      (
        await t
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    version: await h.service.deps.store.streamVersion(attributionStream(attributionId)),
    usedTokens: await count('used_tokens'),
    refusals: await count('refusals'),
  };
};

const titleOf = (body: string) => /<h1>(.*?)<\/h1>/s.exec(body)?.[1];

describe('the mission page (GET): shows, never writes', () => {
  it('shows the restricted summary and one button posting the token', async () => {
    const { attributionId, proposals } = await broadcast();
    const before = await footprint(attributionId);
    const token = tokenOf(proposals[0]!.acceptUrl);
    const res = await get(token);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['content-security-policy']).toContain("form-action 'self'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    const body = res.body;
    expect(titleOf(body)).toBe('Accepter cette mission ?');
    expect(body).toContain('É. M.');
    expect(body).toContain('EQ-2026-000123');
    expect(body).toContain('samedi 20 juin 2026');
    expect(body).toContain('Déménageurs 01');
    expect(body).toMatch(/600,00\s€/);
    expect(body.match(/<button/g)).toHaveLength(1);
    expect(body).toContain('<form method="post" action="respond">');
    expect(body).toContain(`name="token" value="${token}"`);
    expect(body).toContain('name="action" value="accept"');
    for (const secret of ['Martin-Durand', 'Élodie', 'elodie.martin', '612345678', 'Faubourg', 'Bellecour']) {
      expect(body).not.toContain(secret);
    }
    // Opened twice (a mail scanner, then the professional): nothing changed.
    expect((await get(token)).statusCode).toBe(200);
    expect(await footprint(attributionId)).toEqual(before);
  });

  it('offers the refuse button on a refuse link', async () => {
    const { proposals } = await broadcast();
    const res = await get(tokenOf(proposals[3]!.refuseUrl));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Refuser la mission');
    expect(res.body).toContain('name="action" value="refuse"');
  });
});

describe('answering (POST)', () => {
  it('accepts: the mission is assigned, the deadline closed, the others see "already assigned"', async () => {
    const { attributionId, proposals } = await broadcast();
    const res = await post(tokenOf(proposals[2]!.acceptUrl), 'accept');
    expect(res.statusCode).toBe(200);
    expect(titleOf(res.body)).toBe('Mission acceptée');
    const events = await h.service.deps.store.readStream(attributionStream(attributionId));
    expect(events.slice(-2).map((e) => e.type)).toEqual([
      'attribution.professional_accepted',
      'attribution.completed',
    ]);
    const completed = events.at(-1)!;
    expect(completed.data).toMatchObject({
      professional: { professionalId: proposals[2]!.professionalId },
      dayOfReminderAt: '2026-06-20T02:00:00.000Z',
    });
    expect((completed.data as { otherProfessionals: unknown[] }).otherProfessionals).toHaveLength(19);
    // Caused by the proposal it answers: the booking's correlation id flows on.
    const proposalEvent = events.find(
      (e) =>
        e.type === 'attribution.professional_proposed' &&
        (e.data as Proposal).professionalId === proposals[2]!.professionalId,
    )!;
    expect(completed.causationId).toBe(proposalEvent.id);
    expect(completed.correlationId).toBe(proposalEvent.correlationId);
    const deadline = await attributionTables(h.database.db)
      .selectFrom('deadlines')
      .selectAll()
      .where('attribution_id', '=', attributionId)
      .executeTakeFirst();
    expect(deadline).toBeUndefined();

    const other = tokenOf(proposals[5]!.acceptUrl);
    const before = await footprint(attributionId);
    const page = await get(other);
    expect(page.statusCode).toBe(409);
    expect(titleOf(page.body)).toBe('Mission déjà attribuée');
    expect(page.body).not.toContain('<button');
    const late = await post(other, 'accept');
    expect(late.statusCode).toBe(409);
    expect(titleOf(late.body)).toBe('Mission déjà attribuée');
    expect(await footprint(attributionId)).toEqual(before);
  });

  it('refuses: recorded, excluded from later rounds, and the link is spent', async () => {
    const { bookingId, attributionId, proposals } = await broadcast();
    const token = tokenOf(proposals[1]!.refuseUrl);
    const res = await post(token, 'refuse');
    expect(res.statusCode).toBe(200);
    expect(titleOf(res.body)).toBe('Refus enregistré');
    const events = await h.service.deps.store.readStream(attributionStream(attributionId));
    expect(events.at(-1)).toMatchObject({
      type: 'attribution.professional_refused',
      data: { professionalId: proposals[1]!.professionalId },
    });
    const refusal = await attributionTables(h.database.db)
      .selectFrom('refusals')
      .selectAll()
      .where('booking_id', '=', bookingId)
      .execute();
    expect(refusal.map((r) => r.professional_id)).toEqual([proposals[1]!.professionalId]);
    const again = await get(token);
    expect(again.statusCode).toBe(409);
    expect(titleOf(again.body)).toBe('Lien déjà utilisé');
    // The accept link of someone who refused no longer works either.
    const acceptAfter = await post(tokenOf(proposals[1]!.acceptUrl), 'accept');
    expect(acceptAfter.statusCode).toBe(409);
    expect(titleOf(acceptAfter.body)).toBe('Refus déjà enregistré');
  });
});

describe('bad links: a 4xx page, nothing written', () => {
  it('tampered token', async () => {
    const { attributionId, proposals } = await broadcast();
    const token = tokenOf(proposals[0]!.acceptUrl);
    const tampered = `${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    const before = await footprint(attributionId);
    for (const res of [await get(tampered), await post(tampered, 'accept')]) {
      expect(res.statusCode).toBe(400);
      expect(titleOf(res.body)).toBe('Lien invalide');
    }
    // Claims of another professional under a valid signature of the first: refused as well.
    const [v, , sig] = token.split('.');
    const forged = `${v}.${tokenOf(proposals[1]!.acceptUrl).split('.')[1]}.${sig}`;
    expect((await post(forged, 'accept')).statusCode).toBe(400);
    expect(await footprint(attributionId)).toEqual(before);
  });

  it('replayed token', async () => {
    const { attributionId, proposals } = await broadcast();
    const token = tokenOf(proposals[0]!.acceptUrl);
    expect((await post(token, 'accept')).statusCode).toBe(200);
    const before = await footprint(attributionId);
    const replay = await post(token, 'accept');
    expect(replay.statusCode).toBe(409);
    expect(titleOf(replay.body)).toBe('Lien déjà utilisé');
    expect(await footprint(attributionId)).toEqual(before);
  });

  it('wrong action: a refuse token posted as an acceptance, and the reverse', async () => {
    const { attributionId, proposals } = await broadcast();
    const before = await footprint(attributionId);
    for (const res of [
      await post(tokenOf(proposals[0]!.refuseUrl), 'accept'),
      await post(tokenOf(proposals[0]!.acceptUrl), 'refuse'),
      await post(tokenOf(proposals[0]!.acceptUrl), 'delete'),
    ]) {
      expect(res.statusCode).toBe(400);
      expect(titleOf(res.body)).toBe('Lien invalide');
    }
    expect(await footprint(attributionId)).toEqual(before);
  });

  it('unknown attribution (a validly signed token for nothing)', async () => {
    const signer = createLinkSigner(
      // The service's own secret: only a leaked secret or a lost attribution can produce this.
      'test-link-secret-0123456789abcdefghijklmnop',
    );
    const token = signer.sign({
      attributionId: '0195f000-0000-7000-8000-00000000dead',
      professionalId: pros[0]!.professionalId,
      action: 'accept',
      round: 1,
      expiresAt: Math.floor(h.clock.now().getTime() / 1000) + 3_600,
    });
    const before = await footprint('0195f000-0000-7000-8000-00000000dead');
    for (const res of [await get(token), await post(token, 'accept')]) {
      expect(res.statusCode).toBe(404);
      expect(titleOf(res.body)).toBe('Mission introuvable');
    }
    expect(await footprint('0195f000-0000-7000-8000-00000000dead')).toEqual(before);
  });

  it('missing or malformed token', async () => {
    for (const res of [
      await h.service.app.inject({ method: 'GET', url: '/attribution/respond' }),
      await get('not-a-token'),
      await h.service.app.inject({
        method: 'POST',
        url: '/attribution/respond',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'action=accept',
      }),
      await h.service.app.inject({
        method: 'POST',
        url: '/attribution/respond',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ token: 'x', action: 'accept' }),
      }),
    ]) {
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(titleOf(res.body)).toBe('Lien invalide');
    }
  });

  it('expired token, and a cancelled booking', async () => {
    const first = await broadcast();
    const second = await broadcast();
    await handleBookingCancelled(
      createEvent(
        BookingCancelled,
        {
          bookingId: second.bookingId,
          reference: 'EQ-2026-000123',
          reason: 'CUSTOMER_REQUEST',
          refundedCents: 0,
          cancelledAt: h.clock.now().toISOString(),
        },
        { cause: second.event },
      ),
      h.service.deps,
      logger,
    );
    const cancelled = await get(tokenOf(second.proposals[0]!.acceptUrl));
    expect(cancelled.statusCode).toBe(410);
    expect(titleOf(cancelled.body)).toBe('Mission annulée');

    const before = await footprint(first.attributionId);
    const saved = h.clock.now();
    h.clock.advance(4 * 3_600_000 + 1_000);
    try {
      for (const res of [
        await get(tokenOf(first.proposals[0]!.acceptUrl)),
        await post(tokenOf(first.proposals[0]!.acceptUrl), 'accept'),
      ]) {
        expect(res.statusCode).toBe(410);
        expect(titleOf(res.body)).toBe('Lien expiré');
      }
    } finally {
      h.clock.set(saved);
    }
    expect(await footprint(first.attributionId)).toEqual(before);
  });
});

describe('first acceptance wins', () => {
  it('20 professionals accepting at the same moment: exactly one ProfessionalAccepted', async () => {
    const { attributionId, proposals } = await broadcast();
    const responses = await Promise.all(proposals.map((p) => post(tokenOf(p.acceptUrl), 'accept')));
    const titles = responses.map((r) => titleOf(r.body));
    expect(responses.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(titles.filter((t) => t === 'Mission acceptée')).toHaveLength(1);
    expect(titles.filter((t) => t === 'Mission déjà attribuée')).toHaveLength(19);
    expect(responses.filter((r) => r.statusCode === 409)).toHaveLength(19);

    const events = await h.service.deps.store.readStream(attributionStream(attributionId));
    const accepted = events.filter((e) => e.type === 'attribution.professional_accepted');
    expect(accepted).toHaveLength(1);
    expect(events.filter((e) => e.type === 'attribution.completed')).toHaveLength(1);
    const winner = (accepted[0]!.data as { professionalId: string }).professionalId;
    expect(responses[proposals.findIndex((p) => p.professionalId === winner)]!.statusCode).toBe(200);
    // Only the winner's token was spent; the losers' transactions were rolled back.
    const used = await attributionTables(h.database.db)
      .selectFrom('used_tokens')
      .select('professional_id')
      .where('attribution_id', '=', attributionId)
      .execute();
    expect(used.map((u) => u.professional_id)).toEqual([winner]);
    // And the relay publishes exactly one acceptance for it.
    const ofThis = (events: Awaited<ReturnType<typeof h.attributionEvents>>) =>
      events.filter(
        (e) =>
          e.type === 'attribution.professional_accepted' &&
          (e.data as { attributionId: string }).attributionId === attributionId,
      );
    await waitFor('the acceptance on ATTRIBUTION', async () => {
      const all = await h.attributionEvents();
      // Everything appended so far (the completion comes after the acceptance) has been relayed.
      return (
        all.some(
          (e) =>
            e.type === 'attribution.completed' &&
            (e.data as { attributionId: string }).attributionId === attributionId,
        ) || undefined
      );
    });
    expect(ofThis(await h.attributionEvents())).toHaveLength(1);
  });
});

describe('rate limit', () => {
  it('answers 429 with a page once a client exceeds its budget', async () => {
    const app = createHttpApp({ logger, registry: new Registry() });
    await app.register(respondRoutes(h.service.deps, { rateLimitPerMinute: 3 }));
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push((await app.inject({ method: 'GET', url: '/attribution/respond?token=x' })).statusCode);
      }
      expect(statuses).toEqual([400, 400, 400, 429, 429]);
      const limited = await app.inject({ method: 'GET', url: '/attribution/respond?token=x' });
      expect(limited.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(titleOf(limited.body)).toBe('Trop de tentatives');
    } finally {
      await app.close();
    }
  });
});
