import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testLogger } from '@express-quote/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiAdresseGeocoder } from '../src/geocoding/api-adresse.ts';
import { createLocator } from '../src/geocoding/locator.ts';
import { createOfflineGeocoder } from '../src/geocoding/offline-geocoder.ts';

type Behaviour = 'ok' | 'municipality' | 'low-score' | 'empty' | 'error' | 'slow' | 'garbage' | 'bad-request';

/** A local server answering like api-adresse.data.gouv.fr's /search/ (GeoJSON FeatureCollection). */
let behaviour: Behaviour = 'ok';
let requests: URL[] = [];
let server: Server;
let baseUrl: string;

const feature = (type: string, score: number) => ({
  type: 'Feature',
  geometry: { type: 'Point', coordinates: [2.363642, 48.867438] },
  properties: {
    label: '12 Rue du Faubourg du Temple 75011 Paris',
    score,
    housenumber: '12',
    id: '75111_3622_00012',
    type,
    name: '12 Rue du Faubourg du Temple',
    postcode: '75011',
    citycode: '75111',
    x: 653_000,
    y: 6_863_000,
    city: 'Paris',
    context: '75, Paris, Île-de-France',
    importance: 0.7,
    street: 'Rue du Faubourg du Temple',
  },
});

const answer = (req: IncomingMessage, res: ServerResponse) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  requests.push(url);
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (url.pathname !== '/search/') return json(404, { code: 404, message: 'not found' });
  switch (behaviour) {
    case 'ok':
      return json(200, {
        type: 'FeatureCollection',
        version: 'draft',
        features: [feature('housenumber', 0.97)],
      });
    case 'municipality':
      return json(200, {
        type: 'FeatureCollection',
        version: 'draft',
        features: [feature('municipality', 0.9)],
      });
    case 'low-score':
      return json(200, { type: 'FeatureCollection', version: 'draft', features: [feature('street', 0.21)] });
    case 'empty':
      return json(200, { type: 'FeatureCollection', version: 'draft', features: [] });
    case 'error':
      return json(503, { code: 503, message: 'Service Unavailable' });
    case 'bad-request':
      return json(400, { code: 400, message: 'q must contain between 3 and 200 chars' });
    case 'garbage':
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<html>maintenance</html>');
    case 'slow':
      // Never answers within the client's timeout; the connection is closed when the server stops.
      return;
  }
};

beforeAll(async () => {
  server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  behaviour = 'ok';
  requests = [];
});

const geocoderWith = (overrides: { failures?: number; halfOpenAfterMs?: number; timeoutMs?: number } = {}) =>
  createApiAdresseGeocoder({
    baseUrl,
    timeoutMs: overrides.timeoutMs ?? 1_000,
    breaker: {
      consecutiveFailures: overrides.failures ?? 3,
      halfOpenAfterMs: overrides.halfOpenAfterMs ?? 60_000,
    },
    cache: { maxEntries: 100, ttlMs: 60_000 },
  });

const ADDRESS = { street: '12 rue du Faubourg du Temple', postcode: '75011', city: 'Paris' };

describe('api-adresse geocoder', () => {
  it('asks /search/ with the address and the postcode, and reads the best point', async () => {
    const geocoder = geocoderWith();
    expect(await geocoder.geocode(ADDRESS)).toEqual({
      latitude: 48.867438,
      longitude: 2.363642,
      precision: 'ADDRESS',
      source: 'api-adresse',
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.searchParams.get('q')).toBe('12 rue du Faubourg du Temple 75011 Paris');
    expect(requests[0]!.searchParams.get('postcode')).toBe('75011');
    expect(requests[0]!.searchParams.get('limit')).toBe('1');
  });

  it('reports a municipality match as CITY precision', async () => {
    behaviour = 'municipality';
    expect(await geocoderWith().geocode(ADDRESS)).toMatchObject({ precision: 'CITY' });
  });

  it('does not trust a low score or an empty answer, nor a refused query', async () => {
    for (const b of ['low-score', 'empty', 'bad-request'] as const) {
      behaviour = b;
      expect(await geocoderWith().geocode(ADDRESS), b).toBeNull();
    }
  });

  it('caches answers, misses included', async () => {
    const geocoder = geocoderWith();
    await geocoder.geocode(ADDRESS);
    await geocoder.geocode({ ...ADDRESS });
    behaviour = 'empty';
    const other = { ...ADDRESS, street: '1 rue inconnue' };
    expect(await geocoder.geocode(other)).toBeNull();
    expect(await geocoder.geocode(other)).toBeNull();
    expect(requests).toHaveLength(2);
  });

  it('throws on an unavailable or garbled service', async () => {
    behaviour = 'error';
    await expect(geocoderWith().geocode(ADDRESS)).rejects.toThrow(/503/);
    behaviour = 'garbage';
    await expect(geocoderWith().geocode(ADDRESS)).rejects.toThrow(/not JSON/);
  });

  it('gives up after its timeout', async () => {
    behaviour = 'slow';
    await expect(geocoderWith({ timeoutMs: 150 }).geocode(ADDRESS)).rejects.toThrow(
      /no answer within 150 ms/,
    );
  });

  it('opens its circuit after consecutive failures, then stops calling until a probe succeeds', async () => {
    behaviour = 'error';
    const geocoder = geocoderWith({ failures: 3, halfOpenAfterMs: 200 });
    for (let i = 0; i < 3; i++) {
      await expect(geocoder.geocode({ ...ADDRESS, street: `${i} rue` })).rejects.toThrow(/503/);
    }
    expect(geocoder.circuitState()).toBe('open');
    await expect(geocoder.geocode({ ...ADDRESS, street: '9 rue' })).rejects.toThrow(/circuit open/);
    expect(requests).toHaveLength(3);
    behaviour = 'ok';
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await geocoder.geocode({ ...ADDRESS, street: '10 rue' })).toMatchObject({ precision: 'ADDRESS' });
    expect(geocoder.circuitState()).toBe('closed');
  });
});

describe('locator chain', () => {
  const offline = createOfflineGeocoder();

  it('uses the API when it answers', async () => {
    const locator = createLocator({ online: geocoderWith(), offline, logger: testLogger() });
    expect(await locator.locate(ADDRESS)).toMatchObject({ precision: 'ADDRESS', source: 'api-adresse' });
  });

  it('falls back to the offline tables when the API fails or does not know', async () => {
    behaviour = 'error';
    const locator = createLocator({ online: geocoderWith(), offline, logger: testLogger() });
    expect(await locator.locate(ADDRESS)).toMatchObject({ precision: 'CITY', source: 'offline' });
    behaviour = 'empty';
    expect(await locator.locate({ ...ADDRESS, street: 'autre' })).toMatchObject({ precision: 'CITY' });
  });

  it('ends with Paris as the last resort, and says so', async () => {
    const locator = createLocator({ online: null, offline, logger: testLogger() });
    expect(await locator.locate({ street: 'x', postcode: '97400', city: 'Saint-Denis' })).toEqual({
      latitude: 48.8566,
      longitude: 2.3522,
      precision: 'DEFAULT_PARIS',
      source: 'default',
    });
  });
});
