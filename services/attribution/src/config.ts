import { commaList, commonConfig, durationMs, integer, port, secret, url } from '@express-quote/service-kit';
import { z } from 'zod';
import { MIN_SECRET_LENGTH } from './domain/link-token.ts';
import { DEFAULT_FIXTURE_PATH } from './professionals/fixture.ts';

const km = (max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, `must be a distance in km between 1 and ${max}`)
    .transform(Number)
    .pipe(z.number().min(1, `must be between 1 and ${max} km`).max(max, `must be between 1 and ${max} km`));

export const AttributionConfig = z
  .object({
    ...commonConfig,
    PORT: port().default(3004).describe('HTTP port (answer pages, admin API, probes).'),
    PUBLIC_BASE_URL: url(['https', 'http'])
      .default('http://localhost:3004')
      .describe(
        'Public origin (and path prefix) of this service: accept/refuse links are <PUBLIC_BASE_URL>/attribution/respond?token=….',
      ),
    ATTRIBUTION_LINK_SECRET: secret()
      .pipe(z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`))
      .meta({
        secret: true,
        description:
          'HMAC-SHA256 key signing the accept/refuse links; changing it invalidates every open link.',
      }),
    ADMIN_TOKEN: secret().pipe(z.string().min(24, 'must be at least 24 characters')).meta({
      secret: true,
      description: 'Bearer token of the admin API (/admin/professionals, /admin/attributions).',
    }),
    ATTRIBUTION_RADIUS_KM: km(1_000)
      .default(150)
      .describe('Search radius of the first round (seed: 150 km).'),
    REBROADCAST_RADIUS_KM: km(2_000)
      .default(250)
      .describe('Radius of the second and last round, when nobody accepted the first in time.'),
    MAX_PROPOSALS_PER_ROUND: integer(1, 500)
      .default(20)
      .describe('Professionals asked per round at most, the nearest first.'),
    RESPONSE_TIMEOUT_MS: durationMs()
      .default(4 * 3_600_000)
      .describe('Time professionals have to answer a proposal (never past the start of the service).'),
    URGENT_RESPONSE_TIMEOUT_MS: durationMs().default(3_600_000).describe('The same for an urgent booking.'),
    DEADLINE_POLL_INTERVAL_MS: durationMs()
      .default(5_000)
      .describe('How often rounds are checked for their deadline.'),
    RESPOND_RATE_LIMIT_PER_MINUTE: integer(1, 100_000)
      .default(30)
      .describe('Requests per minute and client address on the answer pages.'),
    PROFESSIONALS_FIXTURE_PATH: z
      .string()
      .min(1)
      .default(DEFAULT_FIXTURE_PATH)
      .describe(
        'Professionals fixture (JSON with a "version"), applied at start when newer than the loaded one.',
      ),
    GEOCODER_URL: url(['https', 'http'])
      .optional()
      .describe(
        'Base URL of the national address API (https://api-adresse.data.gouv.fr). Empty: offline geocoding only (postcode/city tables).',
      ),
    GEOCODER_TIMEOUT_MS: durationMs().default(3_000).describe('Budget of one geocoding call.'),
    GEOCODER_BREAKER_FAILURES: integer(1, 100)
      .default(5)
      .describe('Consecutive geocoding failures that open the circuit (calls then go offline at once).'),
    GEOCODER_BREAKER_HALF_OPEN_MS: durationMs()
      .default(30_000)
      .describe('How long the circuit stays open before one call probes the API again.'),
    GEOCODER_CACHE_TTL_MS: durationMs()
      .default(24 * 3_600_000)
      .describe('How long a geocoded address is remembered.'),
    GEOCODER_CACHE_MAX: integer(1, 1_000_000)
      .default(10_000)
      .describe('Geocoded addresses remembered at most.'),
    CONSUMER_CONCURRENCY: integer(1, 256)
      .default(4)
      .describe('Booking events handled at once, per consumer.'),
    CONSUMER_MAX_DELIVER: integer(2, 1_000)
      .default(10)
      .describe('Deliveries of a booking event before it goes to the DLQ (must exceed the backoff steps).'),
    CONSUMER_BACKOFF_MS: commaList(durationMs())
      .prefault('1s,5s,30s,2m')
      .describe('Wait before each redelivery after a transient failure, comma-separated durations.'),
    CONSUMER_ACK_WAIT_MS: durationMs()
      .default(30_000)
      .describe('How long JetStream waits for an ack before redelivering (heartbeats extend it).'),
  })
  .refine((c) => c.REBROADCAST_RADIUS_KM > c.ATTRIBUTION_RADIUS_KM, {
    path: ['REBROADCAST_RADIUS_KM'],
    message: 'must be wider than ATTRIBUTION_RADIUS_KM',
  });

export type AttributionConfig = z.output<typeof AttributionConfig>;
