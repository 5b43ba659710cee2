import {
  AttributionStarted,
  BookingConfirmed,
  BookingDrafted,
  BookingPaymentCompleted,
  BookingTransactionRecorded,
  createEvent,
  DocumentsGenerated,
  deterministicId,
  type Envelope,
  NotificationFailed,
  NotificationRequested,
  NotificationSending,
  NotificationSent,
  notifySubject,
  PaymentCompleted,
} from '@express-quote/contracts';

/** One booking's facts, shaped exactly as the services publish them (contracts validate every one). */
export interface BookingHistory {
  stripeEventId: string;
  bookingId: string;
  reference: string;
  payments: Envelope[];
  /** Booking's event-store stream `booking-<id>`, in version order. */
  bookingStream: Envelope[];
  attribution: Envelope[];
  documents: Envelope[];
  /** [event, subject relative to the namespace]. */
  notify: Array<[Envelope, string]>;
  statuses: Envelope[];
  notificationIds: { customerEmail: string; customerSms: string; staffEmail: string };
}

const at = (base: number, ms: number) => new Date(base + ms).toISOString();

export const bookingHistory = (
  n: number,
  options: { customerEmailFails?: boolean; base?: number } = {},
): BookingHistory => {
  const base = options.base ?? Date.parse('2026-03-14T09:00:00.000Z');
  const stripeEventId = `evt_test${String(n).padStart(6, '0')}abcdef`;
  const bookingId = deterministicId('booking', n);
  const quoteId = deterministicId('quote', n);
  const customerId = deterministicId('customer', n);
  const reference = `EQ-2026-${String(n).padStart(6, '0')}`;
  const sessionId = `cs_test_${n}`;
  const cause = { externalId: stripeEventId };
  const payment = createEvent(
    PaymentCompleted,
    {
      stripeEventId,
      livemode: false,
      checkoutSessionId: sessionId,
      paymentIntentId: `pi_${n}`,
      temporaryId: `tq_${n}`,
      amountCents: 45_900,
      currency: 'EUR',
      paymentStatus: 'paid',
      customer: {
        firstName: 'Jeanne',
        lastName: 'Dupont',
        email: 'jeanne.dupont@example.fr',
        phone: '+33612345678',
      },
    },
    { cause, occurredAt: at(base, 0), id: deterministicId(stripeEventId) },
  );
  const customer = {
    customerId,
    firstName: 'Jeanne',
    lastName: 'Dupont',
    email: 'jeanne.dupont@example.fr',
    phone: '+33612345678',
  };
  const schedule = {
    date: '2026-04-20',
    startTime: '08:00',
    endTime: '12:00',
    timeZone: 'Europe/Paris' as const,
    startsAt: '2026-04-20T06:00:00.000Z',
  };
  const addresses = {
    pickup: { street: '10 rue de Rivoli', postcode: '75001', city: 'Paris', country: 'FR' },
    delivery: { street: '5 place Bellecour', postcode: '69002', city: 'Lyon', country: 'FR' },
  };
  const price = {
    lines: [
      { code: 'BASE', label: 'Forfait', amountCents: 35_750 },
      { code: 'VAT', label: 'TVA 20 %', amountCents: 7_150 },
      { code: 'INSURANCE', label: 'Assurance', amountCents: 3_000 },
    ],
    totalCents: 45_900,
    currency: 'EUR' as const,
    vatRatePercent: 20,
  };
  const streamId = `booking-${bookingId}`;
  const inBooking = { cause: payment, streamId };
  const drafted = createEvent(
    BookingDrafted,
    {
      bookingId,
      reference,
      quoteId,
      temporaryId: `tq_${n}`,
      checkoutSessionId: sessionId,
      customer,
      request: {
        serviceType: 'MOVING',
        schedule,
        addresses,
        volumeM3: 20,
        distanceKm: 465,
        options: {
          pickupFloorsWithoutLift: 0,
          deliveryFloorsWithoutLift: 0,
          packing: false,
          disassembly: false,
        },
        insurance: { wanted: true },
        contact: null,
      },
      price,
      insurance: { wanted: true, amountCents: 3_000 },
      draftedAt: at(base, 100),
    },
    { ...inBooking, occurredAt: at(base, 100) },
  );
  const transaction = createEvent(
    BookingTransactionRecorded,
    {
      bookingId,
      transactionId: deterministicId('transaction', n),
      checkoutSessionId: sessionId,
      paymentIntentId: `pi_${n}`,
      method: 'card',
      status: 'COMPLETED',
      amountCents: 45_900,
      currency: 'EUR',
      recordedAt: at(base, 100),
    },
    { ...inBooking, occurredAt: at(base, 100) },
  );
  const completed = createEvent(
    BookingPaymentCompleted,
    {
      bookingId,
      from: 'DRAFT',
      to: 'PAYMENT_COMPLETED',
      amountPaidCents: 45_900,
      completedAt: at(base, 100),
    },
    { ...inBooking, occurredAt: at(base, 100) },
  );
  const confirmed = createEvent(
    BookingConfirmed,
    {
      bookingId,
      reference,
      quoteId,
      temporaryId: `tq_${n}`,
      checkoutSessionId: sessionId,
      paymentIntentId: `pi_${n}`,
      serviceType: 'MOVING',
      schedule,
      addresses,
      customer,
      price,
      insurance: { wanted: true, amountCents: 3_000 },
      amountPaidCents: 45_900,
      currency: 'EUR',
      urgent: false,
      trigger: 'PAYMENT_COMPLETED',
      confirmedAt: at(base, 100),
    },
    { ...inBooking, occurredAt: at(base, 100) },
  );
  const bookingStream = [drafted, transaction, completed, confirmed].map((e, i) => ({
    ...e,
    streamVersion: i + 1,
  }));

  const attribution = [
    createEvent(
      AttributionStarted,
      {
        attributionId: deterministicId('attribution', n),
        bookingId,
        reference,
        serviceType: 'MOVING',
        location: { latitude: 48.86, longitude: 2.34, precision: 'ADDRESS' },
        radiusKm: 50,
        status: 'BROADCASTING',
        startedAt: at(base, 300),
      },
      { cause: confirmed, occurredAt: at(base, 300) },
    ),
  ];
  const doc = (kind: 'BOOKING_CONFIRMATION' | 'INVOICE' | 'CUSTOMER_DETAILS', key: string) => ({
    key: `bookings/${bookingId}/${key}`,
    kind,
    filename: `${key}.pdf`,
    contentType: 'application/pdf' as const,
    bytes: 1234,
    sha256: 'a'.repeat(64),
  });
  const documents = [
    createEvent(
      DocumentsGenerated,
      {
        audience: 'customer',
        bookingId,
        invoiceNumber: `FA-2026-${String(n).padStart(6, '0')}`,
        documents: [doc('BOOKING_CONFIRMATION', 'booking-confirmation.pdf'), doc('INVOICE', 'invoice.pdf')],
      },
      { cause: confirmed, id: deterministicId(confirmed.id, 'customer'), occurredAt: at(base, 400) },
    ),
    createEvent(
      DocumentsGenerated,
      {
        audience: 'internal',
        bookingId,
        documents: [
          doc('BOOKING_CONFIRMATION', 'booking-confirmation.pdf'),
          doc('INVOICE', 'invoice.pdf'),
          doc('CUSTOMER_DETAILS', 'internal/customer-details.pdf'),
        ],
      },
      { cause: confirmed, id: deterministicId(confirmed.id, 'internal'), occurredAt: at(base, 400) },
    ),
  ];
  const request = (
    channel: 'email' | 'sms',
    template: string,
    recipient: { kind: 'customer' | 'staff'; email: string | null; phone: string | null },
  ) => {
    const notificationId = deterministicId(
      confirmed.id,
      recipient.email ?? recipient.phone ?? '',
      channel,
      template,
    );
    const e = createEvent(
      NotificationRequested,
      {
        notificationId,
        channel,
        priority: 'HIGH',
        template,
        recipient: {
          kind: recipient.kind,
          id: null,
          name: 'Jeanne Dupont',
          email: recipient.email,
          phone: recipient.phone,
        },
        data: { bookingReference: reference },
        attachments: [],
        documentsMissing: false,
        bookingId,
        trigger: { eventId: confirmed.id, type: confirmed.type },
      },
      { cause: confirmed, id: notificationId, occurredAt: at(base, 500) },
    );
    return [e, notifySubject(channel, 'HIGH')] as [Envelope, string];
  };
  const email = request('email', 'booking-confirmation', {
    kind: 'customer',
    email: 'jeanne.dupont@example.fr',
    phone: null,
  });
  const sms = request('sms', 'booking-confirmation-sms', {
    kind: 'customer',
    email: null,
    phone: '+33612345678',
  });
  const staff = request('email', 'professional-document', {
    kind: 'staff',
    email: 'ops@express-quote.fr',
    phone: null,
  });
  const notificationIds = {
    customerEmail: email[0].id,
    customerSms: sms[0].id,
    staffEmail: staff[0].id,
  };
  const status = (
    req: Envelope,
    channel: 'email' | 'sms',
    outcome: 'sent' | 'failed',
    offset: number,
  ): Envelope[] => {
    const common = { notificationId: req.id, channel, bookingId };
    const sending = createEvent(
      NotificationSending,
      { ...common, attempt: outcome === 'failed' ? 3 : 1, at: at(base, offset) },
      { cause: req, occurredAt: at(base, offset) },
    );
    const result =
      outcome === 'sent'
        ? createEvent(
            NotificationSent,
            {
              ...common,
              attempt: 1,
              provider: channel === 'sms' ? 'twilio' : 'smtp',
              providerMessageId: `m-${req.id}`,
              at: at(base, offset + 50),
            },
            { cause: req, occurredAt: at(base, offset + 50) },
          )
        : createEvent(
            NotificationFailed,
            {
              ...common,
              attempt: 3,
              provider: 'smtp',
              reason: '421 4.7.0 try again later',
              retriable: true,
              at: at(base, offset + 50),
            },
            { cause: req, occurredAt: at(base, offset + 50) },
          );
    return [sending, result];
  };
  const statuses = [
    ...status(sms[0], 'sms', 'sent', 600),
    ...status(staff[0], 'email', 'sent', 700),
    ...status(email[0], 'email', options.customerEmailFails ? 'failed' : 'sent', 800),
  ];
  return {
    stripeEventId,
    bookingId,
    reference,
    payments: [payment],
    bookingStream,
    attribution,
    documents,
    notify: [email, sms, staff],
    statuses,
    notificationIds,
  };
};
