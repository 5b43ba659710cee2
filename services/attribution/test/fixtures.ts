import { BookingConfirmed, createEvent, type DataOf, type EventOf } from '@express-quote/contracts';
import type { Professional } from '../src/domain/professional.ts';

export const BOOKING_ID = '0195f000-0000-7000-8000-00000000b001';
export const LINK_SECRET = 'test-link-secret-0123456789abcdefghijklmnop';
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/** Paris, place de la République: the pickup of most test bookings. */
export const PARIS = { latitude: 48.8674, longitude: 2.3636 };

let sequence = 0;
/** A fresh booking id per call (each test its own attribution). */
export const newBookingId = (): string => {
  sequence += 1;
  const suffix = `${Date.now().toString(16).slice(-6)}${String(sequence).padStart(6, '0')}`;
  return `0195f000-0000-7000-8000-${suffix.slice(-12)}`;
};

export const bookingConfirmedData = (
  overrides: Partial<DataOf<typeof BookingConfirmed>> = {},
): DataOf<typeof BookingConfirmed> => ({
  bookingId: BOOKING_ID,
  reference: 'EQ-2026-000123',
  quoteId: '0195f000-0000-7000-8000-00000000a001',
  temporaryId: 'tmp-123',
  checkoutSessionId: 'cs_test_123',
  paymentIntentId: 'pi_123',
  serviceType: 'MOVING',
  schedule: {
    date: '2026-06-20',
    startTime: '08:00',
    endTime: '12:00',
    timeZone: 'Europe/Paris',
    startsAt: '2026-06-20T06:00:00.000Z',
  },
  addresses: {
    pickup: { street: '12 rue du Faubourg du Temple', postcode: '75011', city: 'Paris', country: 'FR' },
    delivery: { street: '5 place Bellecour', postcode: '69002', city: 'Lyon', country: 'FR' },
  },
  customer: {
    customerId: '0195f000-0000-7000-8000-00000000c001',
    firstName: 'Élodie',
    lastName: 'Martin-Durand',
    email: 'elodie.martin@example.fr',
    phone: '+33612345678',
  },
  price: {
    lines: [
      { code: 'BASE', label: 'Forfait déménagement', amountCents: 50_000 },
      { code: 'VAT', label: 'TVA 20 %', amountCents: 10_000 },
      { code: 'INSURANCE', label: 'Assurance', amountCents: 3_000 },
    ],
    totalCents: 63_000,
    currency: 'EUR',
    vatRatePercent: 20,
  },
  insurance: { wanted: true, amountCents: 3_000 },
  amountPaidCents: 63_000,
  currency: 'EUR',
  urgent: false,
  volumeM3: 20,
  distanceKm: 465,
  options: { pickupFloorsWithoutLift: 0, deliveryFloorsWithoutLift: 0, packing: false, disassembly: false },
  trigger: 'PAYMENT_COMPLETED',
  confirmedAt: '2026-06-01T10:00:00.000Z',
  ...overrides,
});

export const bookingConfirmed = (
  overrides: Partial<DataOf<typeof BookingConfirmed>> = {},
): EventOf<typeof BookingConfirmed> =>
  createEvent(BookingConfirmed, bookingConfirmedData(overrides), {
    cause: { externalId: `evt_stripe_${overrides.bookingId ?? BOOKING_ID}` },
    occurredAt: '2026-06-01T10:00:00.000Z',
  });

let proSequence = 0;
export const professional = (overrides: Partial<Professional> = {}): Professional => {
  proSequence += 1;
  const n = String(proSequence).padStart(12, '0');
  return {
    professionalId: `0195f000-0000-7000-9000-${n}`,
    companyName: `Déménagements Test ${proSequence}`,
    contactName: 'Jean Dupont',
    email: `pro${proSequence}@test-demenagement.example.fr`,
    phone: '+33611111111',
    serviceTypes: ['MOVING'],
    skills: [],
    location: { latitude: PARIS.latitude, longitude: PARIS.longitude, city: 'Paris', postcode: '75011' },
    active: true,
    blacklisted: false,
    ...overrides,
  };
};
