import type { ServiceType } from '@express-quote/contracts';
import type { Kysely } from 'kysely';
import type { Candidate } from '../domain/attribution.ts';
import type { LatLon } from '../domain/geo.ts';
import { respondUrl } from '../domain/link-token.ts';
import { findEligibleProfessionals } from '../professionals/eligibility.ts';
import type { AttributionDeps } from './handler-deps.ts';

/**
 * The eligible professionals of one round, each with their accept and refuse links. The links expire with the
 * round (respondBy) and name the round, so a link of an earlier round never answers a later one.
 */
export const findCandidates = async (
  deps: AttributionDeps,
  // biome-ignore lint/suspicious/noExplicitAny: the pool or the caller's transaction
  db: Kysely<any>,
  search: {
    attributionId: string;
    bookingId: string;
    serviceType: ServiceType;
    requiredSkills: readonly string[];
    center: LatLon;
    radiusKm: number;
    round: number;
    respondBy: Date;
  },
): Promise<Candidate[]> => {
  const eligible = await findEligibleProfessionals(db, {
    bookingId: search.bookingId,
    serviceType: search.serviceType,
    requiredSkills: search.requiredSkills,
    center: search.center,
    radiusKm: search.radiusKm,
    limit: deps.policy.maxProposalsPerRound,
  });
  const expiresAt = Math.floor(search.respondBy.getTime() / 1000);
  const link = (professionalId: string, action: 'accept' | 'refuse') =>
    respondUrl(
      deps.policy.publicBaseUrl,
      deps.signer.sign({
        attributionId: search.attributionId,
        professionalId,
        action,
        round: search.round,
        expiresAt,
      }),
    );
  return eligible.map(({ professional, distanceKm }) => ({
    professional: {
      professionalId: professional.professionalId,
      companyName: professional.companyName,
      contactName: professional.contactName,
      email: professional.email,
      phone: professional.phone,
    },
    distanceKm,
    acceptUrl: link(professional.professionalId, 'accept'),
    refuseUrl: link(professional.professionalId, 'refuse'),
  }));
};
