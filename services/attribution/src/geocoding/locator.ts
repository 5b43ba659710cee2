import type { Logger } from 'pino';
import { type AddressToLocate, type GeocodedLocation, type Geocoder, PARIS_DEFAULT } from './geocoder.ts';

export interface Locator {
  /** Always answers: the online geocoder, else the offline tables, else Paris (precision DEFAULT_PARIS). */
  locate(address: AddressToLocate): Promise<GeocodedLocation>;
}

/**
 * The geocoding chain. An online failure is logged and never fails the attribution: the offline table answers,
 * with its coarser precision recorded on the event. Logs carry the postcode only (the street is personal data).
 */
export const createLocator = (options: {
  online: Geocoder | null;
  offline: Geocoder;
  logger: Logger;
  onLocated?: (location: GeocodedLocation) => void;
}): Locator => ({
  async locate(address) {
    const located = async (): Promise<GeocodedLocation> => {
      if (options.online) {
        try {
          const found = await options.online.geocode(address);
          if (found) return found;
        } catch (error) {
          options.logger.warn(
            { postcode: address.postcode, geocoder: options.online.name, reason: (error as Error).message },
            'online geocoding failed; using the offline table',
          );
        }
      }
      return (await options.offline.geocode(address)) ?? PARIS_DEFAULT;
    };
    const location = await located();
    options.onLocated?.(location);
    return location;
  },
});
