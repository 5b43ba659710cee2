import { createRequire } from 'node:module';

/** Which French postcodes exist. Behind an interface so tests and other sources (an API) can stand in. */
export interface PostcodeDirectory {
  exists(postcode: string): boolean;
}

interface CodesPostaux {
  find(postcode: string): ReadonlyArray<{ codePostal: string; nomCommune: string }>;
}

/**
 * The official list (INSEE's Code Officiel Géographique via the `codes-postaux` package, ~39k entries) loaded once
 * in memory: a lookup is a map read, and no request ever leaves the machine.
 */
export const createPostcodeDirectory = (): PostcodeDirectory => {
  const require = createRequire(import.meta.url);
  const codes = require('codes-postaux') as CodesPostaux;
  return { exists: (postcode) => /^\d{5}$/.test(postcode) && codes.find(postcode).length > 0 };
};
