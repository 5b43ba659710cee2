import { describe, expect, it } from 'vitest';
import { computePrice, formatEuros, type PricingInput } from '../src/domain/pricing.ts';
import { DEFAULT_PRICING_RATES, type PricingRates } from '../src/domain/pricing-rates.ts';

const NO_OPTIONS = {
  pickupFloorsWithoutLift: 0,
  deliveryFloorsWithoutLift: 0,
  packing: false,
  disassembly: false,
};

const input = (over: Partial<PricingInput>): PricingInput => ({
  serviceType: 'MOVING',
  volumeM3: null,
  distanceKm: null,
  options: NO_OPTIONS,
  insurance: { wanted: false },
  ...over,
});

const codes = (lines: readonly { code: string; amountCents: number }[]) =>
  Object.fromEntries(lines.map((l) => [l.code, l.amountCents]));

// Default rates (HT): MOVING 150 € + 35 €/m³ + 1,50 €/km; PACKING 50 € + 20 €/m³; CLEANING 80 € + 2,50 €/m³;
// DELIVERY 49 € + 15 €/m³ + 1,20 €/km; floor 25 €, packing 15 €/m³, disassembly 80 €, insurance 30 € (no VAT).
const CASES: ReadonlyArray<{
  name: string;
  input: PricingInput;
  rates?: PricingRates;
  lines: object;
  total: number;
}> = [
  {
    name: 'moving: base + volume + distance, VAT 20 %',
    input: input({ volumeM3: 20, distanceKm: 30 }),
    lines: { BASE: 15_000, VOLUME: 70_000, DISTANCE: 4_500, VAT: 17_900 },
    total: 107_400,
  },
  {
    name: 'moving with a decimal volume and no distance line at 0 km',
    input: input({ volumeM3: 12.5, distanceKm: 0 }),
    lines: { BASE: 15_000, VOLUME: 43_750, VAT: 11_750 },
    total: 70_500,
  },
  {
    name: 'moving with every option and insurance outside VAT',
    input: input({
      volumeM3: 10,
      distanceKm: 100,
      options: { pickupFloorsWithoutLift: 2, deliveryFloorsWithoutLift: 3, packing: true, disassembly: true },
      insurance: { wanted: true },
    }),
    lines: {
      BASE: 15_000,
      VOLUME: 35_000,
      DISTANCE: 15_000,
      FLOORS: 12_500,
      PACKING: 15_000,
      DISASSEMBLY: 8_000,
      VAT: 20_100,
      INSURANCE: 3_000,
    },
    total: 123_600,
  },
  {
    name: 'packing by the tenth of m³',
    input: input({ serviceType: 'PACKING', volumeM3: 8.3 }),
    lines: { BASE: 5_000, VOLUME: 16_600, VAT: 4_320 },
    total: 25_920,
  },
  {
    name: 'cleaning with insurance',
    input: input({ serviceType: 'CLEANING', volumeM3: 50, insurance: { wanted: true } }),
    lines: { BASE: 8_000, VOLUME: 12_500, VAT: 4_100, INSURANCE: 3_000 },
    total: 27_600,
  },
  {
    name: 'delivery without volume',
    input: input({ serviceType: 'DELIVERY', distanceKm: 12 }),
    lines: { BASE: 4_900, DISTANCE: 1_440, VAT: 1_268 },
    total: 7_608,
  },
  {
    name: 'VAT rounded once, half up, on the net total (5,5 %)',
    input: input({ serviceType: 'PACKING' }),
    rates: {
      ...DEFAULT_PRICING_RATES,
      services: {
        ...DEFAULT_PRICING_RATES.services,
        PACKING: { baseCents: 12_345, perM3Cents: 0, perKmCents: 0 },
      },
      vatBasisPoints: 550,
    },
    lines: { BASE: 12_345, VAT: 679 },
    total: 13_024,
  },
  {
    name: 'a tenth of m³ rounds to the cent',
    input: input({ serviceType: 'PACKING', volumeM3: 0.1 }),
    rates: {
      ...DEFAULT_PRICING_RATES,
      services: {
        ...DEFAULT_PRICING_RATES.services,
        PACKING: { baseCents: 0, perM3Cents: 3_333, perKmCents: 0 },
      },
    },
    lines: { BASE: 0, VOLUME: 333, VAT: 67 },
    total: 400,
  },
  {
    name: 'free service when every rate is zero',
    input: input({ serviceType: 'CLEANING', volumeM3: 30 }),
    rates: {
      ...DEFAULT_PRICING_RATES,
      services: {
        ...DEFAULT_PRICING_RATES.services,
        CLEANING: { baseCents: 0, perM3Cents: 0, perKmCents: 0 },
      },
    },
    lines: { BASE: 0, VAT: 0 },
    total: 0,
  },
];

describe('computePrice', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const { price } = computePrice(c.input, c.rates ?? DEFAULT_PRICING_RATES);
      expect(codes(price.lines)).toEqual(c.lines);
      expect(price.totalCents).toBe(c.total);
      expect(price.lines.reduce((sum, l) => sum + l.amountCents, 0)).toBe(price.totalCents);
      expect(price.lines.every((l) => Number.isInteger(l.amountCents))).toBe(true);
      expect(price.currency).toBe('EUR');
    });
  }

  it('writes French labels and reports the insurance line alone', () => {
    const result = computePrice(
      input({
        volumeM3: 12.5,
        distanceKm: 42,
        options: {
          pickupFloorsWithoutLift: 1,
          deliveryFloorsWithoutLift: 0,
          packing: true,
          disassembly: true,
        },
        insurance: { wanted: true },
      }),
      DEFAULT_PRICING_RATES,
    );
    expect(result.price.lines.map((l) => l.label)).toEqual([
      'Forfait déménagement',
      'Volume : 12,5 m³ × 35,00 €',
      'Distance : 42 km × 1,50 €',
      'Étages sans ascenseur : 1 × 25,00 €',
      'Emballage : 12,5 m³ × 15,00 €',
      'Démontage et remontage du mobilier',
      'TVA 20 %',
      'Assurance (exonérée de TVA)',
    ]);
    expect(result.insuranceCents).toBe(3_000);
    expect(result.price.vatRatePercent).toBe(20);
  });

  it('is deterministic', () => {
    const i = input({ volumeM3: 33.3, distanceKm: 7, insurance: { wanted: true } });
    expect(computePrice(i, DEFAULT_PRICING_RATES)).toEqual(computePrice(i, DEFAULT_PRICING_RATES));
  });

  it('formats euros in French', () => {
    expect(formatEuros(0)).toBe('0,00 €');
    expect(formatEuros(5)).toBe('0,05 €');
    expect(formatEuros(123_456)).toBe('1234,56 €');
  });
});
