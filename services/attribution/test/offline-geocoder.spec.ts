import { describe, expect, it } from 'vitest';
import { haversineKm } from '../src/domain/geo.ts';
import { CITY_CENTRES, cityCodeOf } from '../src/geocoding/city-centres.ts';
import { DEPARTMENT_CENTROIDS } from '../src/geocoding/department-centroids.ts';
import {
  createOfflineGeocoder,
  departmentOfPostcode,
  loadCommuneDirectory,
  normalizeCityName,
} from '../src/geocoding/offline-geocoder.ts';
import { DEFAULT_FIXTURE_PATH, readProfessionalsFixture } from '../src/professionals/fixture.ts';

const communes = loadCommuneDirectory();
const geocoder = createOfflineGeocoder(communes);
const at = (street: string, postcode: string, city: string) => geocoder.geocode({ street, postcode, city });

describe('offline geocoder', () => {
  it('answers CITY with the commune centre for a shipped city, arrondissements included', async () => {
    expect(await at('10 rue de Rivoli', '75001', 'Paris')).toMatchObject({
      precision: 'CITY',
      latitude: 48.8566,
    });
    expect(await at('5 place Bellecour', '69002', 'Lyon')).toMatchObject({
      precision: 'CITY',
      latitude: 45.764,
    });
    expect(await at('1 quai du Port', '13002', 'Marseille')).toMatchObject({
      precision: 'CITY',
      latitude: 43.2965,
    });
    expect(await at('1 rue X', '33700', 'Mérignac')).toMatchObject({ precision: 'CITY', longitude: -0.6436 });
  });

  it('answers POSTCODE with the département centre for a commune without a shipped centre', async () => {
    const located = await at('2 rue de l’Église', '01400', "L'Abergement-Clémenciat");
    expect(located).toMatchObject({ precision: 'POSTCODE', source: 'offline' });
    expect(haversineKm(located!, { latitude: 46.15, longitude: 4.92 })).toBeLessThan(60);
  });

  it('picks the commune named in the address when a postcode serves several', async () => {
    // 69100 is Villeurbanne only; 33000 serves Bordeaux; 59000 Lille: each a shipped city.
    expect(await at('x', '69100', 'Villeurbanne')).toMatchObject({ precision: 'CITY', latitude: 45.7719 });
  });

  it('tells Corsica apart by postcode', () => {
    expect(departmentOfPostcode('20000')).toBe('2A');
    expect(departmentOfPostcode('20100')).toBe('2A');
    expect(departmentOfPostcode('20200')).toBe('2B');
    expect(departmentOfPostcode('20600')).toBe('2B');
  });

  it('falls back to the city name when the postcode is unknown', async () => {
    expect(await at('x', '99999', 'Saint-Étienne')).toMatchObject({ precision: 'CITY', latitude: 45.4397 });
    expect(await at('x', '99999', 'ST ETIENNE')).toMatchObject({ precision: 'CITY' });
  });

  it('knows nothing of an unknown place (the caller then uses Paris)', async () => {
    expect(await at('x', '99999', 'Nulle-Part')).toBeNull();
    expect(await at('x', '97400', 'Saint-Denis-de-la-Réunion')).toBeNull();
  });

  it('normalizes city names', () => {
    expect(normalizeCityName('Saint-Étienne')).toBe('saint etienne');
    expect(normalizeCityName('  VILLENEUVE D’ASCQ ')).toBe('villeneuve d ascq');
  });
});

describe('shipped tables', () => {
  it('has the 96 metropolitan départements, inside metropolitan France', () => {
    const codes = Object.keys(DEPARTMENT_CENTROIDS);
    expect(codes).toHaveLength(96);
    expect(codes).toContain('2A');
    expect(codes).toContain('2B');
    expect(codes).not.toContain('20');
    for (const [lat, lon] of Object.values(DEPARTMENT_CENTROIDS)) {
      expect(lat).toBeGreaterThan(41.3);
      expect(lat).toBeLessThan(51.1);
      expect(lon).toBeGreaterThan(-5.2);
      expect(lon).toBeLessThan(9.6);
    }
  });

  it('names every city by its official INSEE code, within its département', () => {
    // Every city code must be a commune of the official list (found through one of its postcodes).
    const official = new Map<string, string>();
    for (let pc = 1000; pc <= 95999; pc++) {
      for (const e of communes.find(String(pc).padStart(5, '0'))) official.set(e.codeCommune, e.nomCommune);
    }
    // Paris, Lyon and Marseille appear through their arrondissements (75101…, 69381…, 13201…).
    for (const [arrondissement, city] of [
      ['75104', 'Paris'],
      ['69382', 'Lyon'],
      ['13201', 'Marseille'],
    ] as const) {
      expect(official.get(arrondissement)).toContain(city);
      expect(CITY_CENTRES[cityCodeOf(arrondissement)]?.name).toBe(city);
    }
    for (const [code, city] of Object.entries(CITY_CENTRES)) {
      if (['75056', '69123', '13055'].includes(code)) continue;
      expect(normalizeCityName(official.get(code) ?? '(missing)'), code).toBe(normalizeCityName(city.name));
      const centroid = DEPARTMENT_CENTROIDS[code.slice(0, 2)]!;
      expect(haversineKm(city, { latitude: centroid[0], longitude: centroid[1] }), city.name).toBeLessThan(
        120,
      );
    }
  });

  it('ships a valid professionals fixture spread over several regions', async () => {
    const fixture = await readProfessionalsFixture(DEFAULT_FIXTURE_PATH);
    expect(fixture.professionals.length).toBeGreaterThanOrEqual(30);
    const departments = new Set(fixture.professionals.map((p) => p.location.postcode.slice(0, 2)));
    for (const d of ['75', '69', '13', '59', '33', '44']) expect(departments).toContain(d);
    for (const p of fixture.professionals) {
      expect(p.email).toMatch(/@[a-z0-9-]+\.example\.fr$/);
      expect(p.phone).toMatch(/^\+336\d{8}$/);
    }
    expect(fixture.professionals.some((p) => p.blacklisted)).toBe(true);
    expect(fixture.professionals.some((p) => !p.active)).toBe(true);
  });
});
