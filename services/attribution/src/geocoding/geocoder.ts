import type { GeoPrecision } from '../domain/attribution.ts';

export type { GeoPrecision };

export interface AddressToLocate {
  street: string;
  postcode: string;
  city: string;
}

export interface GeocodedLocation {
  latitude: number;
  longitude: number;
  /** What the point stands for; recorded on AttributionStarted. */
  precision: GeoPrecision;
  /** Which geocoder answered (logs and metrics). */
  source: 'api-adresse' | 'offline' | 'default';
}

/** A way to turn an address into a point. `null`: this geocoder does not know the address. */
export interface Geocoder {
  readonly name: string;
  geocode(address: AddressToLocate): Promise<GeocodedLocation | null>;
}

/** Seed 4.2.1: "Fallback : Coordonnées Paris si géocodage indisponible", the last resort only. */
export const PARIS_DEFAULT: GeocodedLocation = {
  latitude: 48.8566,
  longitude: 2.3522,
  precision: 'DEFAULT_PARIS',
  source: 'default',
};
