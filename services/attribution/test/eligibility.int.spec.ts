import { createTestDatabase, type TestDatabase } from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributionTables } from '../src/database.ts';
import { haversineKm, type LatLon, northOf } from '../src/domain/geo.ts';
import { migrateAttribution } from '../src/migrations.ts';
import { upsertProfessionals } from '../src/professionals/directory.ts';
import { type EligibilityQuery, findEligibleProfessionals } from '../src/professionals/eligibility.ts';
import { PARIS, professional } from './fixtures.ts';

const BOOKING = '0195f000-0000-7000-8000-0000000e1001';
const OTHER_BOOKING = '0195f000-0000-7000-8000-0000000e1002';

/** A point `km` along the parallel (its great-circle distance is a little shorter: still inside). */
const eastOf = (from: LatLon, km: number): LatLon => ({
  latitude: from.latitude,
  longitude: from.longitude + km / ((Math.PI * 6371.0088) / 180) / Math.cos((from.latitude * Math.PI) / 180),
});
const at = (point: LatLon, city = 'Test') => ({ ...point, city, postcode: '75011' });

const pros = {
  near10: professional({ location: at(northOf(PARIS, 10)) }),
  edgeInside: professional({ location: at(northOf(PARIS, 149.5)) }),
  edgeOutside: professional({ location: at(northOf(PARIS, 150.5)) }),
  east149: professional({ location: at(eastOf(PARIS, 149)) }),
  blacklisted: professional({ blacklisted: true, location: at(northOf(PARIS, 5)) }),
  inactive: professional({ active: false, location: at(northOf(PARIS, 3)) }),
  cleaningOnly: professional({ serviceTypes: ['CLEANING'], location: at(northOf(PARIS, 7)) }),
  packer: professional({
    serviceTypes: ['MOVING', 'PACKING'],
    skills: ['PACKING', 'STAIRS'],
    location: at(northOf(PARIS, 8)),
  }),
  refusedThis: professional({ location: at(northOf(PARIS, 12)) }),
  refusedOther: professional({ location: at(northOf(PARIS, 20)) }),
  farAway: professional({ location: at({ latitude: 43.2965, longitude: 5.3698 }, 'Marseille') }),
};

let database: TestDatabase;
const query = (overrides: Partial<EligibilityQuery> = {}) =>
  findEligibleProfessionals(database.db, {
    bookingId: BOOKING,
    serviceType: 'MOVING',
    requiredSkills: [],
    center: PARIS,
    radiusKm: 150,
    limit: 50,
    ...overrides,
  });
const ids = (found: Awaited<ReturnType<typeof query>>) => found.map((f) => f.professional.professionalId);

beforeAll(async () => {
  database = await createTestDatabase();
  await migrateAttribution(database.db);
  await upsertProfessionals(database.db, Object.values(pros), 'fixture', new Date());
  await attributionTables(database.db)
    .insertInto('refusals')
    .values([
      { booking_id: BOOKING, professional_id: pros.refusedThis.professionalId },
      { booking_id: OTHER_BOOKING, professional_id: pros.refusedOther.professionalId },
    ])
    .execute();
});
afterAll(() => database?.drop());

describe('eligibility (real Postgres)', () => {
  it('keeps the active, non-blacklisted movers within 150 km who did not refuse, nearest first', async () => {
    expect(ids(await query())).toEqual([
      pros.packer.professionalId,
      pros.near10.professionalId,
      pros.refusedOther.professionalId,
      pros.east149.professionalId,
      pros.edgeInside.professionalId,
    ]);
  });

  it('puts the radius edge between 149.5 km and 150.5 km', async () => {
    const found = await query();
    const inside = found.find((f) => f.professional.professionalId === pros.edgeInside.professionalId);
    expect(inside?.distanceKm).toBe(149.5);
    expect(ids(found)).not.toContain(pros.edgeOutside.professionalId);
    expect(ids(await query({ radiusKm: 151 }))).toContain(pros.edgeOutside.professionalId);
  });

  it('computes the same great-circle distance as the reference haversine', async () => {
    for (const f of await query()) {
      expect(Math.abs(f.distanceKm - haversineKm(PARIS, f.professional.location))).toBeLessThan(0.06);
    }
  });

  it('requires every skill the booking needs', async () => {
    expect(ids(await query({ requiredSkills: ['PACKING'] }))).toEqual([pros.packer.professionalId]);
    expect(ids(await query({ requiredSkills: ['PACKING', 'STAIRS'] }))).toEqual([pros.packer.professionalId]);
    expect(await query({ requiredSkills: ['PACKING', 'PIANO'] })).toEqual([]);
  });

  it('matches the service type', async () => {
    expect(ids(await query({ serviceType: 'CLEANING' }))).toEqual([pros.cleaningOnly.professionalId]);
    expect(ids(await query({ serviceType: 'PACKING' }))).toEqual([pros.packer.professionalId]);
  });

  it('excludes refusals of this booking only', async () => {
    expect(ids(await query())).not.toContain(pros.refusedThis.professionalId);
    expect(ids(await query({ bookingId: OTHER_BOOKING }))).toContain(pros.refusedThis.professionalId);
    expect(ids(await query({ bookingId: OTHER_BOOKING }))).not.toContain(pros.refusedOther.professionalId);
  });

  it('excludes the blacklisted and the inactive however close', async () => {
    const found = ids(await query({ radiusKm: 1_000 }));
    expect(found).not.toContain(pros.blacklisted.professionalId);
    expect(found).not.toContain(pros.inactive.professionalId);
    expect(found).toContain(pros.farAway.professionalId);
  });

  it('stops at the limit, keeping the nearest', async () => {
    expect(ids(await query({ limit: 2 }))).toEqual([pros.packer.professionalId, pros.near10.professionalId]);
  });

  it('finds nobody far from everyone', async () => {
    expect(await query({ center: { latitude: 42.7, longitude: 9.45 }, radiusKm: 50 })).toEqual([]);
  });
});
