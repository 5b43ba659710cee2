import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleAll,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import { LRUCache } from 'lru-cache';
import { type Dispatcher, request } from 'undici';
import { z } from 'zod';
import type { AddressToLocate, GeocodedLocation, Geocoder, GeoPrecision } from './geocoder.ts';

/** The part of api-adresse.data.gouv.fr's `/search/` answer (GeoJSON FeatureCollection) we rely on. */
const SearchResponse = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      geometry: z.object({
        type: z.literal('Point'),
        coordinates: z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]),
      }),
      properties: z.object({
        score: z.number(),
        type: z.enum(['housenumber', 'street', 'locality', 'municipality']),
      }),
    }),
  ),
});

const PRECISION: Record<
  z.infer<typeof SearchResponse>['features'][number]['properties']['type'],
  GeoPrecision
> = {
  housenumber: 'ADDRESS',
  street: 'ADDRESS',
  locality: 'ADDRESS',
  municipality: 'CITY',
};

/** The service answered something other than an address (5xx, 429, garbage): worth the breaker's attention. */
export class GeocoderUnavailableError extends Error {
  override readonly name = 'GeocoderUnavailableError';
}

export interface ApiAdresseOptions {
  /** e.g. https://api-adresse.data.gouv.fr (the `/search/` path is appended). */
  baseUrl: string;
  /** Budget of one call, connection to body. */
  timeoutMs: number;
  /** Results scoring below are not trusted (the API scores 0..1). */
  minScore?: number;
  breaker: { consecutiveFailures: number; halfOpenAfterMs: number };
  cache: { maxEntries: number; ttlMs: number };
  /** undici dispatcher (tests, proxies); the global one by default. */
  dispatcher?: Dispatcher;
  /** Called on every breaker transition (metrics, logs). */
  onCircuitStateChange?: (state: CircuitStateName) => void;
}

export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

export interface ApiAdresseGeocoder extends Geocoder {
  circuitState(): CircuitStateName;
}

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

// The API refuses queries longer than 200 characters.
const MAX_QUERY_LENGTH = 200;

/**
 * The French national address API (Base Adresse Nationale): `GET /search/?q=…&postcode=…&limit=1`. Answers are
 * cached (addresses do not move; a miss is cached too); calls are bounded by a timeout and guarded by a
 * circuit breaker so that an unreachable API costs one timeout per half-open probe, not one per booking.
 * Throws when the API is unavailable (the caller falls back offline); null when it does not know the address.
 */
export const createApiAdresseGeocoder = (options: ApiAdresseOptions): ApiAdresseGeocoder => {
  const minScore = options.minScore ?? 0.5;
  const searchUrl = new URL(
    'search/',
    options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`,
  );
  const cache = new LRUCache<string, GeocodedLocation | 'unknown'>({
    max: options.cache.maxEntries,
    ttl: options.cache.ttlMs,
  });
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: options.breaker.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.breaker.consecutiveFailures),
  });
  breaker.onStateChange((state) => options.onCircuitStateChange?.(STATE_NAMES[state]));
  const policy = wrap(breaker, timeout(options.timeoutMs, TimeoutStrategy.Aggressive));

  const call = async (address: AddressToLocate, signal: AbortSignal): Promise<GeocodedLocation | null> => {
    const url = new URL(searchUrl);
    url.searchParams.set(
      'q',
      `${address.street} ${address.postcode} ${address.city}`
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, MAX_QUERY_LENGTH),
    );
    if (/^\d{5}$/.test(address.postcode)) url.searchParams.set('postcode', address.postcode);
    url.searchParams.set('limit', '1');
    const response = await request(url, {
      method: 'GET',
      signal,
      headers: { accept: 'application/json' },
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    const text = await response.body.text();
    // 400: the API will not take this query (too short, bad postcode); it is up, and does not know the address.
    if (response.statusCode === 400) return null;
    if (response.statusCode !== 200) {
      throw new GeocoderUnavailableError(`api-adresse answered ${response.statusCode}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new GeocoderUnavailableError('api-adresse answered with something that is not JSON');
    }
    const parsed = SearchResponse.safeParse(json);
    if (!parsed.success) throw new GeocoderUnavailableError('api-adresse answered in an unexpected shape');
    const best = parsed.data.features[0];
    if (!best || best.properties.score < minScore) return null;
    const [longitude, latitude] = best.geometry.coordinates;
    return { latitude, longitude, precision: PRECISION[best.properties.type], source: 'api-adresse' };
  };

  return {
    name: 'api-adresse',
    circuitState: () => STATE_NAMES[breaker.state],
    async geocode(address) {
      const key = `${address.postcode}|${address.city}|${address.street}`.toLowerCase();
      const cached = cache.get(key);
      if (cached !== undefined) return cached === 'unknown' ? null : cached;
      try {
        const result = await policy.execute(({ signal }) => call(address, signal));
        cache.set(key, result ?? 'unknown');
        return result;
      } catch (error) {
        if (error instanceof BrokenCircuitError) {
          throw new GeocoderUnavailableError('api-adresse circuit open: not called');
        }
        if (error instanceof TaskCancelledError) {
          throw new GeocoderUnavailableError(`api-adresse gave no answer within ${options.timeoutMs} ms`);
        }
        throw error;
      }
    },
  };
};
