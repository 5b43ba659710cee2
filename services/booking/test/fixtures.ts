import type { Price, QuoteRequestDetails } from '@express-quote/contracts';

export const T0 = new Date('2026-03-10T09:00:00.000Z');
export const T1 = new Date('2026-03-10T09:05:00.000Z');
export const T2 = new Date('2026-03-11T12:00:00.000Z');

export const REQUEST: QuoteRequestDetails = {
  serviceType: 'MOVING',
  schedule: {
    date: '2026-03-20',
    startTime: '08:00',
    endTime: '12:00',
    timeZone: 'Europe/Paris',
    startsAt: '2026-03-20T07:00:00.000Z',
  },
  addresses: {
    pickup: { street: '10 rue de Rivoli', postcode: '75001', city: 'Paris', country: 'FR' },
    delivery: { street: '5 place Bellecour', postcode: '69002', city: 'Lyon', country: 'FR' },
  },
  volumeM3: 20,
  distanceKm: 465,
  options: { pickupFloorsWithoutLift: 0, deliveryFloorsWithoutLift: 0, packing: false, disassembly: false },
  insurance: { wanted: true },
  contact: null,
};

export const PRICE: Price = {
  lines: [
    { code: 'BASE', label: 'Forfait déménagement', amountCents: 10_000 },
    { code: 'VAT', label: 'TVA 20 %', amountCents: 2_000 },
    { code: 'INSURANCE', label: 'Assurance (exonérée de TVA)', amountCents: 3_000 },
  ],
  totalCents: 15_000,
  currency: 'EUR',
  vatRatePercent: 20,
};

export const CUSTOMER: {
  customerId: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
} = {
  customerId: '0195f000-0000-7000-8000-000000000001',
  firstName: 'Jean',
  lastName: 'Dupont',
  email: 'jean.dupont@example.fr',
  phone: '+33612345678',
};
