import type { ServiceType } from '@express-quote/contracts';
import { type Kysely, type Selectable, sql } from 'kysely';
import { ATTRIBUTION_SCHEMA, type ProfessionalsTable } from '../database.ts';
import { boundingBox, EARTH_RADIUS_KM, type LatLon } from '../domain/geo.ts';
import type { Professional } from '../domain/professional.ts';
import { toProfessional } from './directory.ts';

export interface EligibilityQuery {
  bookingId: string;
  serviceType: ServiceType;
  requiredSkills: readonly string[];
  center: LatLon;
  radiusKm: number;
  /** At most this many, the nearest first. */
  limit: number;
}

export interface EligibleProfessional {
  professional: Professional;
  /** Great-circle distance from the service location, rounded to 0.1 km. */
  distanceKm: number;
}

const table = (name: string) => sql.table(`${ATTRIBUTION_SCHEMA}.${name}`);

/**
 * Seed 4.2.3 in one query: professionals offering the service type with every required skill, active, not
 * blacklisted, who have not refused this booking, within `radiusKm` of the service, nearest first (ties by id, so
 * the order is stable). A bounding box on latitude/longitude (indexed) narrows the rows before the exact
 * haversine distance, computed in SQL (no PostGIS needed).
 */
export const findEligibleProfessionals = async (
  // biome-ignore lint/suspicious/noExplicitAny: the pool or a transaction
  db: Kysely<any>,
  query: EligibilityQuery,
): Promise<EligibleProfessional[]> => {
  const { latitude: lat, longitude: lon } = query.center;
  const box = boundingBox(query.center, query.radiusKm);
  const result = await sql<Selectable<ProfessionalsTable> & { distance_km: number }>`
    with candidates as (
      select p.*,
        2 * ${EARTH_RADIUS_KM}::float8 * asin(least(1, sqrt(
          power(sin(radians(p.latitude - ${lat}::float8) / 2), 2)
          + cos(radians(${lat}::float8)) * cos(radians(p.latitude))
            * power(sin(radians(p.longitude - ${lon}::float8) / 2), 2)
        ))) as distance_km
      from ${table('professionals')} p
      where p.active and not p.blacklisted
        and p.latitude between ${box.minLatitude}::float8 and ${box.maxLatitude}::float8
        and p.longitude between ${box.minLongitude}::float8 and ${box.maxLongitude}::float8
        and ${query.serviceType}::text = any(p.service_types)
        and p.skills @> ${[...query.requiredSkills]}::text[]
        and not exists (
          select 1 from ${table('refusals')} r
          where r.booking_id = ${query.bookingId}::uuid and r.professional_id = p.professional_id
        )
    )
    select * from candidates
    where distance_km <= ${query.radiusKm}::float8
    order by distance_km, professional_id
    limit ${query.limit}::int
  `.execute(db);
  return result.rows.map((row) => ({
    professional: toProfessional(row),
    distanceKm: Math.round(row.distance_km * 10) / 10,
  }));
};
