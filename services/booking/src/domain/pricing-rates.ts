import { z } from 'zod';

const NonNegativeCents = z.number().int().nonnegative();

/** Rates of one service type, excluding VAT (HT), in cents. */
export const ServiceRates = z
  .object({
    baseCents: NonNegativeCents,
    perM3Cents: NonNegativeCents,
    perKmCents: NonNegativeCents,
  })
  .strict();
export type ServiceRates = z.infer<typeof ServiceRates>;

/**
 * Everything a price depends on besides the request. Amounts are HT (before VAT) except insurance, whose premium
 * is exempt from VAT in France (CGI art. 261 C) and is added after the VAT line.
 */
export const PricingRates = z
  .object({
    services: z
      .object({
        MOVING: ServiceRates,
        PACKING: ServiceRates,
        CLEANING: ServiceRates,
        DELIVERY: ServiceRates,
      })
      .strict(),
    /** Per floor climbed by stairs, per address. */
    floorWithoutLiftCents: NonNegativeCents,
    packingPerM3Cents: NonNegativeCents,
    disassemblyCents: NonNegativeCents,
    insuranceCents: NonNegativeCents,
    /** VAT in basis points: 2000 = 20 %. */
    vatBasisPoints: z.number().int().min(0).max(10_000),
  })
  .strict();
export type PricingRates = z.infer<typeof PricingRates>;

export const DEFAULT_PRICING_RATES: PricingRates = {
  services: {
    MOVING: { baseCents: 15_000, perM3Cents: 3_500, perKmCents: 150 },
    PACKING: { baseCents: 5_000, perM3Cents: 2_000, perKmCents: 0 },
    CLEANING: { baseCents: 8_000, perM3Cents: 250, perKmCents: 0 },
    DELIVERY: { baseCents: 4_900, perM3Cents: 1_500, perKmCents: 120 },
  },
  floorWithoutLiftCents: 2_500,
  packingPerM3Cents: 1_500,
  disassemblyCents: 8_000,
  insuranceCents: 3_000,
  vatBasisPoints: 2_000,
};
