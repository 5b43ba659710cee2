import {
  AttributionCancelled,
  AttributionCompleted,
  AttributionNeedsStaff,
  BookingCancelled,
  BookingConfirmed,
  BookingPaymentNeedsAttention,
  createEvent,
  type DataOf,
  DocumentsGenerated,
  type EventOf,
  newEventId,
  PaymentAmountMismatch,
  PaymentNeedsAttention,
  ProfessionalProposed,
  type StoredDocument,
} from '@express-quote/contracts';
import type { StaffMember } from '../src/domain/staff.ts';

/** Test data builders: realistic events as the upstream services publish them. */

export const member = (over: Partial<StaffMember> & Pick<StaffMember, 'id' | 'role'>): StaffMember => ({
  name: `Membre ${over.id}`,
  email: `${over.id}@express-quote.test`,
  phone: null,
  serviceTypes: [],
  active: true,
  ...over,
});

export const DIRECTORY: StaffMember[] = [
  member({ id: 'moving-lead', role: 'SERVICE_MANAGER', serviceTypes: ['MOVING', 'PACKING'] }),
  member({ id: 'cleaning-lead', role: 'SERVICE_MANAGER', serviceTypes: ['CLEANING'] }),
  member({ id: 'ops', role: 'OPERATIONS_MANAGER' }),
  member({ id: 'admin', role: 'ADMIN' }),
  member({ id: 'compta', role: 'ACCOUNTING' }),
  member({ id: 'support', role: 'CUSTOMER_SERVICE' }),
];

export const bookingConfirmedData = (
  over: Partial<DataOf<typeof BookingConfirmed>> = {},
): DataOf<typeof BookingConfirmed> => ({
  bookingId: crypto.randomUUID(),
  reference: 'EQ-2026-000123',
  quoteId: crypto.randomUUID(),
  temporaryId: 'tmp_abc123',
  checkoutSessionId: 'cs_test_a1b2c3',
  paymentIntentId: 'pi_123',
  serviceType: 'MOVING',
  schedule: {
    date: '2026-06-15',
    startTime: '09:00',
    endTime: '12:00',
    timeZone: 'Europe/Paris',
    startsAt: '2026-06-15T07:00:00.000Z',
  },
  addresses: {
    pickup: { street: '12 rue de la Paix', postcode: '75002', city: 'Paris', country: 'FR' },
    delivery: { street: '3 avenue Foch', postcode: '69006', city: 'Lyon', country: 'FR' },
  },
  customer: {
    customerId: crypto.randomUUID(),
    firstName: 'Jean',
    lastName: 'Dupont',
    email: 'jean.dupont@example.fr',
    phone: '+33612345678',
  },
  price: {
    lines: [{ code: 'BASE', label: 'Déménagement', amountCents: 123456 }],
    totalCents: 123456,
    currency: 'EUR',
    vatRatePercent: 20,
  },
  insurance: { wanted: false, amountCents: 0 },
  amountPaidCents: 123456,
  currency: 'EUR',
  urgent: false,
  trigger: 'PAYMENT_COMPLETED',
  confirmedAt: '2026-05-01T10:00:00.000Z',
  ...over,
});

export const bookingConfirmed = (
  over: Partial<DataOf<typeof BookingConfirmed>> = {},
): EventOf<typeof BookingConfirmed> =>
  createEvent(BookingConfirmed, bookingConfirmedData(over), {
    cause: { externalId: `evt_${newEventId()}` },
    occurredAt: '2026-05-01T10:00:00.000Z',
  });

export const pdf = (key: string, kind: StoredDocument['kind']): StoredDocument => ({
  key,
  kind,
  filename: `${kind.toLowerCase()}.pdf`,
  contentType: 'application/pdf',
  bytes: 1234,
  sha256: 'a'.repeat(64),
});

export const documentsGenerated = (
  data: DataOf<typeof DocumentsGenerated>,
  cause: { id: string; correlationId: string },
): EventOf<typeof DocumentsGenerated> => createEvent(DocumentsGenerated, data, { cause });

export const customerDocuments = (bookingId: string): StoredDocument[] => [
  pdf(`bookings/${bookingId}/customer/booking-confirmation.pdf`, 'BOOKING_CONFIRMATION'),
  pdf(`bookings/${bookingId}/customer/invoice.pdf`, 'INVOICE'),
];

export const internalDocuments = (bookingId: string): StoredDocument[] => [
  ...customerDocuments(bookingId),
  pdf(`bookings/${bookingId}/internal/customer-details.pdf`, 'CUSTOMER_DETAILS'),
];

export const professionalProposed = (
  over: { urgent?: boolean; bookingId?: string } = {},
): EventOf<typeof ProfessionalProposed> => {
  const professionalId = crypto.randomUUID();
  return createEvent(
    ProfessionalProposed,
    {
      attributionId: crypto.randomUUID(),
      professionalId,
      professional: {
        professionalId,
        companyName: 'Déménageurs du Rhône',
        contactName: 'Paul Martin',
        email: 'contact@demenageurs-rhone.test',
        phone: '+33478000000',
      },
      distanceKm: 12.5,
      booking: {
        bookingId: over.bookingId ?? crypto.randomUUID(),
        reference: 'EQ-2026-000123',
        serviceType: 'MOVING',
        schedule: {
          date: '2026-06-15',
          startTime: '09:00',
          endTime: '12:00',
          timeZone: 'Europe/Paris',
          startsAt: '2026-06-15T07:00:00.000Z',
        },
        customerInitials: 'J. D.',
        pickupCity: 'Paris',
        deliveryCity: 'Lyon',
        estimatedAmountCents: 98765,
        currency: 'EUR',
        urgent: over.urgent ?? false,
      },
      acceptUrl: 'https://attribution.express-quote.test/a/accept?token=abc',
      refuseUrl: 'https://attribution.express-quote.test/a/refuse?token=abc',
      respondBy: '2026-05-01T14:30:00.000Z',
      round: 1,
    },
    { cause: { externalId: `evt_${newEventId()}` } },
  );
};

export const paymentNeedsAttention = (): EventOf<typeof PaymentNeedsAttention> =>
  createEvent(
    PaymentNeedsAttention,
    {
      stripeEventId: 'evt_1',
      livemode: false,
      stripeEventType: 'checkout.session.completed',
      checkoutSessionId: 'cs_test_1',
      reason: 'MISSING_TEMPORARY_ID',
      detail: 'metadata.temporaryId absent',
      amountCents: 5000,
      currency: 'eur',
    },
    { cause: { externalId: 'evt_1' } },
  );

export const bookingPaymentNeedsAttention = (): EventOf<typeof BookingPaymentNeedsAttention> =>
  createEvent(
    BookingPaymentNeedsAttention,
    {
      checkoutSessionId: 'cs_test_2',
      temporaryId: 'tmp_x',
      reason: 'UNKNOWN_QUOTE',
      detail: 'no quote tmp_x',
      amountCents: 5000,
    },
    { cause: { externalId: 'evt_2' } },
  );

export const paymentAmountMismatch = (
  bookingId = crypto.randomUUID(),
): EventOf<typeof PaymentAmountMismatch> =>
  createEvent(
    PaymentAmountMismatch,
    {
      bookingId,
      reference: 'EQ-2026-000124',
      checkoutSessionId: 'cs_test_3',
      amountPaidCents: 10000,
      expectedCents: 12000,
      currency: 'EUR',
    },
    { cause: { externalId: 'evt_3' } },
  );

type Booking = DataOf<typeof BookingConfirmed>;
type Cause = { id: string; correlationId: string };

/** The restricted view attribution shows professionals of this booking. */
export const restrictedView = (b: Booking) => ({
  bookingId: b.bookingId,
  reference: b.reference,
  serviceType: b.serviceType,
  schedule: b.schedule,
  customerInitials: `${b.customer.firstName[0]}. ${b.customer.lastName[0]}.`,
  pickupCity: b.addresses.pickup.city,
  deliveryCity: b.addresses.delivery?.city ?? null,
  estimatedAmountCents: 98765,
  currency: 'EUR' as const,
  urgent: b.urgent,
});

export const professional = (n: number, over: { phone?: string | null; email?: string } = {}) => {
  const professionalId = crypto.randomUUID();
  return {
    professionalId,
    companyName: `Déménageurs ${n}`,
    contactName: `Paul Martin${n}`,
    email: over.email ?? `pro${n}-${professionalId.slice(0, 8)}@demenageurs.test`,
    phone: over.phone === undefined ? `+3347800000${n % 10}` : over.phone,
  };
};

export const attributionCompleted = (
  booking: Booking,
  cause: Cause,
  over: { winner?: ReturnType<typeof professional>; others?: Array<ReturnType<typeof professional>> } = {},
): EventOf<typeof AttributionCompleted> => {
  const winner = over.winner ?? professional(1);
  return createEvent(
    AttributionCompleted,
    {
      attributionId: crypto.randomUUID(),
      bookingId: booking.bookingId,
      reference: booking.reference,
      status: 'ASSIGNED',
      professional: winner,
      distanceKm: 12.46,
      booking: restrictedView(booking),
      otherProfessionals: over.others ?? [professional(2), professional(3)],
      dayOfReminderAt: '2026-06-15T02:00:00.000Z',
      completedAt: '2026-05-02T08:00:00.000Z',
    },
    { cause },
  );
};

export const attributionNeedsStaff = (
  booking: Booking,
  cause: Cause,
  reason: 'NO_ELIGIBLE_PROFESSIONAL' | 'NO_ACCEPTANCE' = 'NO_ACCEPTANCE',
): EventOf<typeof AttributionNeedsStaff> =>
  createEvent(
    AttributionNeedsStaff,
    {
      attributionId: crypto.randomUUID(),
      bookingId: booking.bookingId,
      reference: booking.reference,
      status: 'NEEDS_STAFF',
      reason,
      booking: restrictedView(booking),
      radiusKm: 225,
      rounds: reason === 'NO_ACCEPTANCE' ? 2 : 1,
      proposedCount: reason === 'NO_ACCEPTANCE' ? 7 : 0,
      refusedCount: reason === 'NO_ACCEPTANCE' ? 3 : 0,
      at: '2026-05-03T08:00:00.000Z',
    },
    { cause },
  );

export const bookingCancelled = (
  booking: Booking,
  cause: Cause,
  reason: 'REFUNDED' | 'CUSTOMER_REQUEST' | 'STAFF' = 'REFUNDED',
): EventOf<typeof BookingCancelled> =>
  createEvent(
    BookingCancelled,
    {
      bookingId: booking.bookingId,
      reference: booking.reference,
      reason,
      refundedCents: reason === 'REFUNDED' ? booking.amountPaidCents : 0,
      cancelledAt: '2026-05-05T08:00:00.000Z',
    },
    { cause },
  );

export const attributionCancelled = (
  completed: EventOf<typeof AttributionCompleted>,
  reason: 'REFUNDED' | 'CUSTOMER_REQUEST' | 'STAFF' = 'REFUNDED',
): EventOf<typeof AttributionCancelled> =>
  createEvent(
    AttributionCancelled,
    {
      attributionId: completed.data.attributionId,
      bookingId: completed.data.bookingId,
      reference: completed.data.reference,
      status: 'CANCELLED',
      reason,
      previousStatus: 'ASSIGNED',
      assignedProfessionalId: completed.data.professional.professionalId,
      professionalIds: [completed.data.professional.professionalId],
      cancelledAt: '2026-05-05T08:00:01.000Z',
    },
    { cause: completed },
  );
