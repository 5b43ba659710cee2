import {
  type Price,
  type PriceLine,
  type QuoteOptions,
  SERVICE_TYPE_LABELS_FR,
  type ServiceType,
} from '@express-quote/contracts';
import type { PricingRates } from './pricing-rates.ts';

/** What a price depends on: a normalised quote request, nothing else (no clock, no randomness). */
export interface PricingInput {
  readonly serviceType: ServiceType;
  readonly volumeM3: number | null;
  readonly distanceKm: number | null;
  readonly options: QuoteOptions;
  readonly insurance: { readonly wanted: boolean };
}

export interface PriceBreakdown {
  readonly price: Price;
  /** The insurance line alone (0 when not wanted), as BookingConfirmed reports it. */
  readonly insuranceCents: number;
}

/** `1234` → `12,34 €`: fixed French format, independent of the ICU data of the running Node. */
export const formatEuros = (cents: number): string => {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')} €`;
};

const formatQuantity = (value: number): string => String(value).replace('.', ',');

// Volumes have at most one decimal: compute on tenths of m³ so every product stays an integer until the one
// rounding to the cent.
const tenths = (volumeM3: number): number => Math.round(volumeM3 * 10);
const perTenth = (volumeTenths: number, perUnitCents: number): number =>
  Math.round((volumeTenths * perUnitCents) / 10);

/** The only source of a price: the quote, the checkout and the booking all call this. */
export const computePrice = (input: PricingInput, rates: PricingRates): PriceBreakdown => {
  const service = rates.services[input.serviceType];
  const lines: PriceLine[] = [
    {
      code: 'BASE',
      label: `Forfait ${SERVICE_TYPE_LABELS_FR[input.serviceType].toLowerCase()}`,
      amountCents: service.baseCents,
    },
  ];
  const volume = input.volumeM3 === null ? 0 : tenths(input.volumeM3);
  if (volume > 0 && service.perM3Cents > 0) {
    lines.push({
      code: 'VOLUME',
      label: `Volume : ${formatQuantity(volume / 10)} m³ × ${formatEuros(service.perM3Cents)}`,
      amountCents: perTenth(volume, service.perM3Cents),
    });
  }
  const km = input.distanceKm ?? 0;
  if (km > 0 && service.perKmCents > 0) {
    lines.push({
      code: 'DISTANCE',
      label: `Distance : ${km} km × ${formatEuros(service.perKmCents)}`,
      amountCents: km * service.perKmCents,
    });
  }
  const floors = input.options.pickupFloorsWithoutLift + input.options.deliveryFloorsWithoutLift;
  if (floors > 0) {
    lines.push({
      code: 'FLOORS',
      label: `Étages sans ascenseur : ${floors} × ${formatEuros(rates.floorWithoutLiftCents)}`,
      amountCents: floors * rates.floorWithoutLiftCents,
    });
  }
  if (input.options.packing && volume > 0) {
    lines.push({
      code: 'PACKING',
      label: `Emballage : ${formatQuantity(volume / 10)} m³ × ${formatEuros(rates.packingPerM3Cents)}`,
      amountCents: perTenth(volume, rates.packingPerM3Cents),
    });
  }
  if (input.options.disassembly) {
    lines.push({
      code: 'DISASSEMBLY',
      label: 'Démontage et remontage du mobilier',
      amountCents: rates.disassemblyCents,
    });
  }
  const netCents = lines.reduce((sum, line) => sum + line.amountCents, 0);
  // One rounding on the whole net amount (half up), as an invoice does, not one per line.
  const vatCents = Math.round((netCents * rates.vatBasisPoints) / 10_000);
  lines.push({
    code: 'VAT',
    label: `TVA ${formatQuantity(rates.vatBasisPoints / 100)} %`,
    amountCents: vatCents,
  });
  const insuranceCents = input.insurance.wanted ? rates.insuranceCents : 0;
  if (input.insurance.wanted) {
    lines.push({ code: 'INSURANCE', label: 'Assurance (exonérée de TVA)', amountCents: insuranceCents });
  }
  return {
    price: {
      lines,
      totalCents: netCents + vatCents + insuranceCents,
      currency: 'EUR',
      vatRatePercent: rates.vatBasisPoints / 100,
    },
    insuranceCents,
  };
};
