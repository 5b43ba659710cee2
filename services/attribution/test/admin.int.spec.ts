import { testLogger } from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributionIdOf } from '../src/domain/ids.ts';
import { handleBookingConfirmed } from '../src/handlers/booking-confirmed.ts';
import { listProfessionals } from '../src/professionals/directory.ts';
import { applyProfessionalsFixture } from '../src/professionals/fixture.ts';
import { ADMIN_TOKEN, bookingConfirmed, newBookingId, professional } from './fixtures.ts';
import { type Harness, startHarness } from './harness.ts';

const paris = professional({ companyName: 'Paris Déménage' });
const lyon = professional({
  companyName: 'Lyon Déménage',
  serviceTypes: ['MOVING', 'CLEANING'],
  location: { latitude: 45.764, longitude: 4.8357, city: 'Lyon', postcode: '69001' },
});
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ professionals: [paris, lyon] });
});
afterAll(() => h?.stop());

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const inject = (
  method: 'GET' | 'PUT' | 'PATCH',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = auth,
) =>
  h.service.app.inject({
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

describe('admin API', () => {
  it('needs the admin token', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer wrong-token' },
      { authorization: ADMIN_TOKEN },
    ] as Record<string, string>[]) {
      const res = await inject('GET', '/admin/professionals', undefined, headers);
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toContain('Bearer');
    }
    expect(
      (await inject('PATCH', `/admin/professionals/${paris.professionalId}`, { active: false }, {}))
        .statusCode,
    ).toBe(401);
  });

  it('lists the fixture, with filters', async () => {
    const all = await inject('GET', '/admin/professionals');
    expect(all.statusCode).toBe(200);
    expect(all.json().professionals.map((p: { companyName: string }) => p.companyName)).toEqual([
      'Lyon Déménage',
      'Paris Déménage',
    ]);
    const cleaning = await inject('GET', '/admin/professionals?serviceType=CLEANING');
    expect(cleaning.json().professionals).toHaveLength(1);
    expect((await inject('GET', '/admin/professionals?serviceType=PIANO')).statusCode).toBe(400);
  });

  it('creates, replaces and patches a professional; invalid input is a 400 naming the field', async () => {
    const id = '0195f000-0000-7000-9000-0000000a0001';
    const body = {
      companyName: 'Nantes Transferts',
      contactName: 'Anne Guérin',
      email: 'Anne@Nantes-Transferts.example.fr',
      phone: '+33612121212',
      serviceTypes: ['MOVING'],
      skills: ['STAIRS'],
      location: { latitude: 47.2184, longitude: -1.5536, city: 'Nantes', postcode: '44000' },
    };
    const created = await inject('PUT', `/admin/professionals/${id}`, body);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      professionalId: id,
      email: 'anne@nantes-transferts.example.fr',
      active: true,
    });
    expect(
      (await inject('PUT', `/admin/professionals/${id}`, { ...body, companyName: 'Nantes Transferts SARL' }))
        .statusCode,
    ).toBe(200);
    const patched = await inject('PATCH', `/admin/professionals/${id}`, {
      blacklisted: true,
      skills: ['STAIRS', 'PIANO'],
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      companyName: 'Nantes Transferts SARL',
      blacklisted: true,
      skills: ['PIANO', 'STAIRS'],
    });
    expect((await inject('GET', `/admin/professionals/${id}`)).json()).toMatchObject({ blacklisted: true });

    const bad = await inject('PUT', `/admin/professionals/${id}`, {
      ...body,
      phone: '0612',
      serviceTypes: [],
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .issues.map((i: { path: string }) => i.path)
        .sort(),
    ).toEqual(['phone', 'serviceTypes']);
    expect((await inject('PATCH', `/admin/professionals/${id}`, { unknown: 1 })).statusCode).toBe(400);
    expect(
      (await inject('PATCH', '/admin/professionals/0195f000-0000-7000-9000-0000000affff', { active: false }))
        .statusCode,
    ).toBe(404);
  });

  it('a blacklisted professional is no longer proposed', async () => {
    await inject('PATCH', `/admin/professionals/${paris.professionalId}`, { blacklisted: true });
    const bookingId = newBookingId();
    await handleBookingConfirmed(bookingConfirmed({ bookingId }), h.service.deps, testLogger());
    const view = await inject('GET', `/admin/bookings/${bookingId}/attribution`);
    expect(view.statusCode).toBe(200);
    expect(view.json()).toMatchObject({
      attributionId: attributionIdOf(bookingId),
      status: 'NEEDS_STAFF',
      proposals: [],
    });
    await inject('PATCH', `/admin/professionals/${paris.professionalId}`, { blacklisted: false });
  });

  it('shows where an attribution stands', async () => {
    const bookingId = newBookingId();
    await handleBookingConfirmed(bookingConfirmed({ bookingId }), h.service.deps, testLogger());
    const res = await inject('GET', `/admin/attributions/${attributionIdOf(bookingId)}`);
    expect(res.json()).toMatchObject({
      status: 'BROADCASTING',
      round: 1,
      radiusKm: 150,
      proposals: [{ companyName: 'Paris Déménage', round: 1, refused: false }],
    });
    expect((await inject('GET', '/admin/attributions/0195f000-0000-7000-8000-00000000ffff')).statusCode).toBe(
      404,
    );
  });

  it('applies a newer fixture version only, keeping admin edits otherwise', async () => {
    const db = h.database.db;
    const before = await listProfessionals(db);
    const same = await applyProfessionalsFixture(
      db,
      { version: 1, professionals: [{ ...paris, companyName: 'X' }] },
      new Date(),
    );
    expect(same.applied).toBe(false);
    expect(await listProfessionals(db)).toEqual(before);
    const newer = await applyProfessionalsFixture(
      db,
      { version: 2, professionals: [{ ...lyon, active: false }] },
      new Date(),
    );
    expect(newer).toMatchObject({ applied: true, previousVersion: 1, fileVersion: 2 });
    expect((await listProfessionals(db, { active: false })).map((p) => p.professionalId)).toContain(
      lyon.professionalId,
    );
  });
});
