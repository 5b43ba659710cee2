/** Mean Earth radius (IUGG), the one the SQL distance uses too. */
export const EARTH_RADIUS_KM = 6371.0088;
const KM_PER_DEGREE_LATITUDE = (Math.PI * EARTH_RADIUS_KM) / 180;

export interface LatLon {
  latitude: number;
  longitude: number;
}

const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance (haversine), in km. */
export const haversineKm = (a: LatLon, b: LatLon): number => {
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
};

export interface BoundingBox {
  minLatitude: number;
  maxLatitude: number;
  minLongitude: number;
  maxLongitude: number;
}

/**
 * A box that contains every point within `radiusKm` of `center`: an index-friendly prefilter before the exact
 * distance. Longitude degrees shrink with latitude; near the poles (or across the antimeridian) the box simply
 * spans every longitude, which stays correct.
 */
export const boundingBox = (center: LatLon, radiusKm: number): BoundingBox => {
  const dLat = radiusKm / KM_PER_DEGREE_LATITUDE;
  const cosLat = Math.cos(rad(center.latitude));
  const dLon = cosLat > 1e-6 ? radiusKm / (KM_PER_DEGREE_LATITUDE * cosLat) : 360;
  const wraps = center.longitude - dLon < -180 || center.longitude + dLon > 180;
  return {
    minLatitude: Math.max(-90, center.latitude - dLat),
    maxLatitude: Math.min(90, center.latitude + dLat),
    minLongitude: wraps ? -180 : center.longitude - dLon,
    maxLongitude: wraps ? 180 : center.longitude + dLon,
  };
};

/** A point `km` due north of `from` (tests place professionals at exact distances with it). */
export const northOf = (from: LatLon, km: number): LatLon => ({
  latitude: from.latitude + km / KM_PER_DEGREE_LATITUDE,
  longitude: from.longitude,
});
