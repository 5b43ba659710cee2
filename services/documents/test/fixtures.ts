import {
  BookingConfirmed,
  type Cause,
  createEvent,
  type DataOf,
  deterministicId,
  type EventOf,
  ProfessionalProposed,
} from '@express-quote/contracts';
import type { CompanyIdentity } from '../src/rendering/company.ts';

export const company: CompanyIdentity = {
  name: 'Express Quote SAS',
  addressLines: ['12 rue de la Paix', '75002 Paris'],
  siret: '12345678900012',
  vatNumber: 'FR12123456789',
  email: 'contact@express-quote.fr',
  phone: '01 84 80 00 00',
  website: 'express-quote.fr',
  legalMention: 'SAS au capital de 10 000 € – RCS Paris 123 456 789',
};

/** The customer whose private data must never reach a professional. */
export const customer = {
  customerId: '0195f3a4-0000-7000-8000-00000000c001',
  firstName: 'Jérôme',
  lastName: 'Dufresne-Lévêque',
  email: 'jerome.dufresne@exemple.fr',
  phone: '+33612345678',
};

export const pickupStreet = '27 avenue des Gobelins';

const cause: Cause = { externalId: 'evt_test_checkout_completed' };

export const bookingData = (overrides: Partial<DataOf<typeof BookingConfirmed>> = {}) => {
  const bookingId = overrides.bookingId ?? '0195f3a4-0000-7000-8000-0000000b0001';
  return {
    bookingId,
    reference: 'EQ-2026-000123',
    quoteId: '0195f3a4-0000-7000-8000-00000000a001',
    temporaryId: 'tmp_7YwQ2',
    checkoutSessionId: 'cs_test_a1b2c3',
    paymentIntentId: 'pi_3PqR',
    serviceType: 'MOVING' as const,
    schedule: {
      date: '2026-03-14',
      startTime: '09:00',
      endTime: '13:00',
      timeZone: 'Europe/Paris' as const,
      startsAt: '2026-03-14T08:00:00.000Z',
    },
    addresses: {
      pickup: { street: pickupStreet, postcode: '75013', city: 'Paris', country: 'FR' },
      delivery: { street: '5 place Bellecour', postcode: '69002', city: 'Lyon', country: 'FR' },
    },
    customer,
    // As the booking service prices: lines before VAT, the VAT stated once, the insurance outside VAT.
    price: {
      lines: [
        { code: 'BASE', label: 'Forfait déménagement Paris → Lyon', amountCents: 45_000 },
        { code: 'VOLUME', label: 'Volume : 20 m³ × 25,00 €', amountCents: 50_000 },
        { code: 'FLOORS', label: 'Étages sans ascenseur : 3 × 15,00 €', amountCents: 4_500 },
        { code: 'PACKING', label: 'Emballage des cartons fragiles', amountCents: 12_345 },
        { code: 'VAT', label: 'TVA 20 %', amountCents: 22_369 },
        { code: 'INSURANCE', label: 'Assurance (exonérée de TVA)', amountCents: 3_000 },
      ],
      totalCents: 137_214,
      currency: 'EUR' as const,
      vatRatePercent: 20,
    },
    insurance: { wanted: true, amountCents: 3_000 },
    amountPaidCents: 137_214,
    currency: 'EUR' as const,
    urgent: false,
    volumeM3: 20,
    distanceKm: 465,
    options: { pickupFloorsWithoutLift: 3, deliveryFloorsWithoutLift: 0, packing: true, disassembly: false },
    trigger: 'PAYMENT_COMPLETED' as const,
    confirmedAt: '2026-03-02T10:15:00.000Z',
    ...overrides,
  } satisfies DataOf<typeof BookingConfirmed>;
};

/** The other price shape a BookingConfirmed may carry: lines that include VAT, no VAT line. */
export const ttcLinesPrice = {
  lines: [
    { code: 'BASE', label: 'Déménagement 20 m³', amountCents: 98_000 },
    { code: 'FLOORS', label: 'Étages sans ascenseur (3e)', amountCents: 9_000 },
    { code: 'PACKING', label: 'Emballage des cartons fragiles', amountCents: 12_345 },
  ],
  totalCents: 119_345,
  currency: 'EUR' as const,
  vatRatePercent: 20,
};

export const bookingConfirmed = (
  overrides: Partial<DataOf<typeof BookingConfirmed>> = {},
  id?: string,
): EventOf<typeof BookingConfirmed> =>
  createEvent(BookingConfirmed, bookingData(overrides), {
    cause,
    ...(id ? { id } : {}),
    occurredAt: '2026-03-02T10:15:00.100Z',
  });

export const proposalData = (
  overrides: Partial<DataOf<typeof ProfessionalProposed>> = {},
): DataOf<typeof ProfessionalProposed> => {
  const attributionId = '0195f3a4-0000-7000-8000-0000000a7001';
  const professionalId = overrides.professionalId ?? '0195f3a4-0000-7000-8000-00000000f001';
  return {
    attributionId,
    professionalId,
    professional: {
      professionalId,
      companyName: 'Transports Martin',
      contactName: 'Luc Martin',
      email: 'luc@transports-martin.fr',
      phone: '+33698765432',
    },
    distanceKm: 4.2,
    booking: {
      bookingId: '0195f3a4-0000-7000-8000-0000000b0001',
      reference: 'EQ-2026-000123',
      serviceType: 'MOVING',
      schedule: {
        date: '2026-03-14',
        startTime: '09:00',
        endTime: '13:00',
        timeZone: 'Europe/Paris',
        startsAt: '2026-03-14T08:00:00.000Z',
      },
      customerInitials: 'J. D.',
      pickupCity: 'Paris',
      deliveryCity: 'Lyon',
      estimatedAmountCents: 85_000,
      currency: 'EUR',
      urgent: true,
    },
    acceptUrl: `https://pro.express-quote.fr/api/attribution/${attributionId}/accept?professional=${professionalId}&token=acc_9f8e7d6c5b4a`,
    refuseUrl: `https://pro.express-quote.fr/api/attribution/${attributionId}/refuse?professional=${professionalId}&token=ref_1a2b3c4d5e6f`,
    respondBy: '2026-03-02T16:15:00.000Z',
    round: 1,
    ...overrides,
  };
};

export const professionalProposed = (
  overrides: Partial<DataOf<typeof ProfessionalProposed>> = {},
): EventOf<typeof ProfessionalProposed> => {
  const data = proposalData(overrides);
  return createEvent(ProfessionalProposed, data, {
    cause,
    // Like attribution's ids: one event per (attribution, professional, round).
    id: deterministicId('fixture-proposal', data.attributionId, data.professionalId, data.round),
    occurredAt: '2026-03-02T10:16:00.000Z',
  });
};
