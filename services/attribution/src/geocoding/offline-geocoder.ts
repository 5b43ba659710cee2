import { createRequire } from 'node:module';
import { CITY_CENTRES, cityCodeOf } from './city-centres.ts';
import { DEPARTMENT_CENTROIDS } from './department-centroids.ts';
import type { AddressToLocate, GeocodedLocation, Geocoder } from './geocoder.ts';

interface CommuneEntry {
  codeCommune: string;
  nomCommune: string;
  codePostal: string;
}

/** Which communes a postcode serves (INSEE's official list, no coordinates). */
export interface CommuneDirectory {
  find(postcode: string): readonly CommuneEntry[];
}

/** The `codes-postaux` package (INSEE's Code Officiel Géographique), loaded once, ~4 MB in memory. */
export const loadCommuneDirectory = (): CommuneDirectory => {
  const require = createRequire(import.meta.url);
  return require('codes-postaux') as CommuneDirectory;
};

/** "Saint-Étienne", "ST ETIENNE", "saint etienne" → "saint etienne". */
export const normalizeCityName = (name: string): string =>
  name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\bst\b/g, 'saint')
    .replace(/\bste\b/g, 'sainte')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** Département of an INSEE commune code: 2 characters in metropolitan France (incl. 2A/2B), 3 overseas. */
export const departmentOfCommune = (communeCode: string): string =>
  communeCode.startsWith('97') || communeCode.startsWith('98')
    ? communeCode.slice(0, 3)
    : communeCode.slice(0, 2);

/** Département a postcode belongs to when the commune is unknown (Corsica: 200xx-201xx → 2A, else 2B). */
export const departmentOfPostcode = (postcode: string): string => {
  if (postcode.startsWith('20')) return Number(postcode.slice(2, 3)) <= 1 ? '2A' : '2B';
  return postcode.startsWith('97') || postcode.startsWith('98') ? postcode.slice(0, 3) : postcode.slice(0, 2);
};

const CITY_BY_NAME = new Map(
  Object.entries(CITY_CENTRES).map(([code, c]) => [normalizeCityName(c.name), { code, ...c }]),
);

/**
 * Geocoding without the network: postcode → commune (official list) → the commune's centre when it is one of the
 * cities we ship (precision CITY), else the centre of its département (precision POSTCODE: what the postcode
 * alone tells). A postcode missing from the list falls back to the city name, then to the postcode's département.
 * Returns null when nothing matches (overseas, nonsense): the caller's last resort is Paris.
 */
export const createOfflineGeocoder = (communes: CommuneDirectory = loadCommuneDirectory()): Geocoder => ({
  name: 'offline',
  async geocode(address: AddressToLocate): Promise<GeocodedLocation | null> {
    const postcode = address.postcode.trim();
    const wanted = normalizeCityName(address.city);
    const entries = /^\d{5}$/.test(postcode) ? communes.find(postcode) : [];
    const commune = entries.find((e) => normalizeCityName(e.nomCommune) === wanted) ?? entries[0];
    if (commune) {
      const city = CITY_CENTRES[cityCodeOf(commune.codeCommune)];
      if (city)
        return { latitude: city.latitude, longitude: city.longitude, precision: 'CITY', source: 'offline' };
    } else {
      const byName = CITY_BY_NAME.get(wanted);
      if (byName) {
        return {
          latitude: byName.latitude,
          longitude: byName.longitude,
          precision: 'CITY',
          source: 'offline',
        };
      }
    }
    const department = commune
      ? departmentOfCommune(commune.codeCommune)
      : /^\d{5}$/.test(postcode)
        ? departmentOfPostcode(postcode)
        : undefined;
    const centroid = department ? DEPARTMENT_CENTROIDS[department] : undefined;
    if (!centroid) return null;
    return { latitude: centroid[0], longitude: centroid[1], precision: 'POSTCODE', source: 'offline' };
  },
});
