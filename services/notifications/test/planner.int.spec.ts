import {
  BookingConfirmed,
  DocumentsGenerated,
  deterministicId,
  PaymentNeedsAttention,
  ProfessionalProposed,
  verifyDocumentUrl,
} from '@express-quote/contracts';
import { waitFor } from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookingConfirmed,
  customerDocuments,
  documentsGenerated,
  internalDocuments,
  paymentNeedsAttention,
  pdf,
  professionalProposed,
} from './fixtures.ts';
import {
  DOCUMENTS_URL_SECRET,
  type Harness,
  type NotifyMessage,
  SUPPORT_URL,
  startHarness,
} from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.cleanup();
});

const templateData = (m: NotifyMessage | undefined): Record<string, unknown> =>
  (m?.event.data.data ?? {}) as Record<string, unknown>;

const ofBooking = (messages: NotifyMessage[], bookingId: string) =>
  messages.filter((m) => m.event.data.bookingId === bookingId);

const STAFF_EMAILS = [
  'moving-lead@express-quote.test',
  'ops@express-quote.test',
  'admin@express-quote.test',
  'compta@express-quote.test',
];

/** Publishes the booking's two document sets as the documents service does. */
const publishDocuments = async (event: ReturnType<typeof bookingConfirmed>) => {
  const bookingId = event.data.bookingId;
  for (const [audience, documents] of [
    ['customer', customerDocuments(bookingId)],
    ['internal', internalDocuments(bookingId)],
  ] as const) {
    await h.publish(documentsGenerated({ audience, bookingId, documents }, event));
  }
};

const expectFullFanOut = (messages: NotifyMessage[], event: ReturnType<typeof bookingConfirmed>) => {
  const bookingId = event.data.bookingId;
  const byTemplate = (t: string) => messages.filter((m) => m.event.data.template === t);
  expect(messages).toHaveLength(6);

  const [customerEmail] = byTemplate('booking-confirmation');
  expect(customerEmail?.subject).toBe('notify.email.critical');
  expect(customerEmail?.event.id).toBe(
    deterministicId(event.id, 'jean.dupont@example.fr', 'email', 'booking-confirmation'),
  );
  expect(customerEmail?.event.data).toMatchObject({
    notificationId: customerEmail?.event.id,
    channel: 'email',
    priority: 'CRITICAL',
    attachments: customerDocuments(bookingId),
    documentsMissing: false,
    bookingId,
    trigger: { eventId: event.id, type: 'booking.confirmed' },
  });
  // The envelope continues the booking's correlation chain.
  expect(customerEmail?.event.correlationId).toBe(event.correlationId);
  expect(customerEmail?.event.causationId).toBe(event.id);
  const link = new URL(String(templateData(customerEmail).viewBookingUrl));
  const key = decodeURIComponent(link.pathname.replace('/api/documents/', ''));
  expect(key).toBe(`bookings/${bookingId}/customer/booking-confirmation.pdf`);
  expect(
    verifyDocumentUrl({
      key,
      expires: link.searchParams.get('expires') ?? undefined,
      signature: link.searchParams.get('signature') ?? undefined,
      secret: DOCUMENTS_URL_SECRET,
      now: new Date(),
    }).ok,
  ).toBe(true);

  const [sms] = byTemplate('booking-confirmation-sms');
  expect(sms?.subject).toBe('notify.sms.critical');
  expect(sms?.event.id).toBe(deterministicId(event.id, '+33612345678', 'sms', 'booking-confirmation-sms'));
  expect(sms?.event.data.attachments).toEqual([]);

  const staff = byTemplate('professional-document');
  expect(staff.map((m) => (m.event.data.recipient as { email: string }).email).sort()).toEqual(
    [...STAFF_EMAILS].sort(),
  );
  for (const m of staff) {
    expect(m.subject).toBe('notify.email.high');
    expect(m.event.data.attachments).toEqual(internalDocuments(bookingId));
    expect(m.event.data.documentsMissing).toBe(false);
    expect(m.event.id).toBe(
      deterministicId(
        event.id,
        (m.event.data.recipient as { email: string }).email,
        'email',
        'professional-document',
      ),
    );
  }
};

describe('planner: booking.confirmed with documents.generated', () => {
  it('documents after the booking: SMS at once, e-mails once their documents are there', async () => {
    const event = bookingConfirmed();
    const bookingId = event.data.bookingId;
    await h.publish(event);

    const beforeDocs = await waitFor('the SMS', async () => {
      const mine = ofBooking(await h.notifyMessages(), bookingId);
      return mine.length > 0 && mine;
    });
    // E-mails wait for their PDFs (the deadline is a minute away on the test clock).
    expect(beforeDocs.map((m) => m.event.data.template)).toEqual(['booking-confirmation-sms']);

    await publishDocuments(event);
    const all = await waitFor('the full fan-out', async () => {
      const mine = ofBooking(await h.notifyMessages(), bookingId);
      return mine.length >= 6 && mine;
    });
    expectFullFanOut(all, event);
  });

  it('documents before the booking: everything goes out at once, attached', async () => {
    const event = bookingConfirmed();
    await publishDocuments(event);
    const documentsSeq = (await h.nats.jsm.streams.info(h.ns.stream('documents'))).state.last_seq;
    await h.consumed(h.ns.stream('documents'), 'notifications-documents-generated', documentsSeq);
    await h.publish(event);
    const all = await waitFor('the full fan-out', async () => {
      const mine = ofBooking(await h.notifyMessages(), event.data.bookingId);
      return mine.length >= 6 && mine;
    });
    expectFullFanOut(all, event);
  });

  it('a redelivered or replayed trigger stores no new message and republishes nothing', async () => {
    const event = bookingConfirmed();
    const bookingId = event.data.bookingId;
    await h.publish(event);
    await publishDocuments(event);
    await waitFor('the full fan-out', async () => ofBooking(await h.notifyMessages(), bookingId).length >= 6);
    const before = await h.notifyMessages();
    const publishedAt = await h.service.db
      .selectFrom('notification_outbox')
      .select(['notification_id', 'published_at'])
      .where('booking_id', '=', bookingId)
      .orderBy('notification_id')
      .execute();

    // The same events again under new msgIDs (JetStream cannot dedupe them): only our own idempotency protects.
    await h.redeliver(event, BookingConfirmed.subject);
    const documents = ofBooking(before, bookingId);
    expect(documents).toHaveLength(6);
    const ack = await h.redeliver(
      documentsGenerated({ audience: 'internal', bookingId, documents: internalDocuments(bookingId) }, event),
      DocumentsGenerated.subject,
    );
    const bookingsSeq = (await h.nats.jsm.streams.info(h.ns.stream('bookings'))).state.last_seq;
    await h.consumed(h.ns.stream('bookings'), 'notifications-booking-confirmed', bookingsSeq);
    await h.consumed(h.ns.stream('documents'), 'notifications-documents-generated', ack.seq);
    await h.service.poller.tick();

    const after = await h.notifyMessages();
    expect(after.length).toBe(before.length);
    const publishedAtAfter = await h.service.db
      .selectFrom('notification_outbox')
      .select(['notification_id', 'published_at'])
      .where('booking_id', '=', bookingId)
      .orderBy('notification_id')
      .execute();
    expect(publishedAtAfter).toEqual(publishedAt);
  });

  it('replays the whole stream after a restart with a fresh consumer: nothing new', async () => {
    const before = await h.notifyMessages();
    await h.service.stop();
    await h.nats.jsm.consumers.delete(h.ns.stream('bookings'), 'notifications-booking-confirmed');
    await h.nats.jsm.consumers.delete(h.ns.stream('documents'), 'notifications-documents-generated');
    await h.start();
    const bookingsSeq = (await h.nats.jsm.streams.info(h.ns.stream('bookings'))).state.last_seq;
    const documentsSeq = (await h.nats.jsm.streams.info(h.ns.stream('documents'))).state.last_seq;
    await h.consumed(h.ns.stream('bookings'), 'notifications-booking-confirmed', bookingsSeq);
    await h.consumed(h.ns.stream('documents'), 'notifications-documents-generated', documentsSeq);
    await h.service.poller.tick();
    expect((await h.notifyMessages()).length).toBe(before.length);
  });

  it('documents that never come: sent at the deadline without them, documentsMissing, link to support', async () => {
    const event = bookingConfirmed({ customer: { ...bookingConfirmed().data.customer, phone: null } });
    const bookingId = event.data.bookingId;
    await h.publish(event);
    const seq = (await h.nats.jsm.streams.info(h.ns.stream('bookings'))).state.last_seq;
    await h.consumed(h.ns.stream('bookings'), 'notifications-booking-confirmed', seq);
    await h.service.poller.tick();
    expect(ofBooking(await h.notifyMessages(), bookingId)).toEqual([]);

    h.clock.advance(60_000);
    await h.service.poller.tick();
    const sent = ofBooking(await h.notifyMessages(), bookingId);
    expect(sent.map((m) => m.event.data.template).sort()).toEqual([
      'booking-confirmation',
      ...Array(4).fill('professional-document'),
    ]);
    for (const m of sent) {
      expect(m.event.data.documentsMissing).toBe(true);
      expect(m.event.data.attachments).toEqual([]);
    }
    const customer = sent.find((m) => m.event.data.template === 'booking-confirmation');
    expect(templateData(customer).viewBookingUrl).toBe(SUPPORT_URL);

    const metrics = (await h.service.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(
      /eq_notifications_released_total\{channel="email",template="booking-confirmation",documents="missing"\} [1-9]/,
    );

    // Late documents change nothing: the messages went out already.
    const ack = await h.publish(
      documentsGenerated({ audience: 'customer', bookingId, documents: customerDocuments(bookingId) }, event),
    );
    await h.consumed(h.ns.stream('documents'), 'notifications-documents-generated', ack.seq);
    expect(ofBooking(await h.notifyMessages(), bookingId)).toHaveLength(sent.length);
  });
});

describe('planner: professionals and staff alerts', () => {
  it('sends the mission proposal with the MISSION_PROPOSAL of that professional, HIGH when urgent', async () => {
    const event = professionalProposed({ urgent: true });
    const { bookingId } = event.data.booking;
    await h.publish(event);
    const mission = pdf(
      `attributions/${event.data.attributionId}/${event.data.professionalId}/round-1/mission-proposal.pdf`,
      'MISSION_PROPOSAL',
    );
    // Another professional's proposal for the same attribution must not be attached to this one.
    await h.publish(
      documentsGenerated(
        {
          audience: 'professional',
          bookingId,
          attributionId: event.data.attributionId,
          professionalId: crypto.randomUUID(),
          round: 1,
          documents: [pdf('attributions/x/y/round-1/mission-proposal.pdf', 'MISSION_PROPOSAL')],
        },
        event,
      ),
    );
    const otherSeq = (await h.nats.jsm.streams.info(h.ns.stream('documents'))).state.last_seq;
    await h.consumed(h.ns.stream('documents'), 'notifications-documents-generated', otherSeq);
    expect(ofBooking(await h.notifyMessages(), bookingId)).toEqual([]);

    await h.publish(
      documentsGenerated(
        {
          audience: 'professional',
          bookingId,
          attributionId: event.data.attributionId,
          professionalId: event.data.professionalId,
          round: event.data.round,
          documents: [mission],
        },
        event,
      ),
    );
    const [message, ...rest] = await waitFor('the proposal', async () => {
      const mine = ofBooking(await h.notifyMessages(), bookingId);
      return mine.length > 0 && mine;
    });
    expect(rest).toEqual([]);
    expect(message?.subject).toBe('notify.email.high');
    expect(message?.event.data).toMatchObject({
      template: 'external-professional-attribution',
      recipient: { kind: 'professional', email: 'contact@demenageurs-rhone.test' },
      attachments: [mission],
      documentsMissing: false,
    });
    const data = templateData(message);
    expect(data.acceptUrl).toBe(event.data.acceptUrl);
    expect(data.customerInitials).toBe('J. D.');
    expect(JSON.stringify(data)).not.toMatch(/Dupont|jean\.dupont|\+336|rue de la Paix/);
    expect(event.type).toBe(ProfessionalProposed.type);
  });

  it('alerts operations, admins and accounting when a payment needs attention', async () => {
    const event = paymentNeedsAttention();
    await h.publish(event);
    const alerts = await waitFor('the alerts', async () => {
      const mine = (await h.notifyMessages()).filter(
        (m) => (m.event.data.trigger as { eventId: string }).eventId === event.id,
      );
      return mine.length >= 3 && mine;
    });
    expect(
      alerts.map((m) => [m.subject, m.event.data.template, (m.event.data.recipient as { id: string }).id]),
    ).toEqual([
      ['notify.email.high', 'staff-alert', 'ops'],
      ['notify.email.high', 'staff-alert', 'admin'],
      ['notify.email.high', 'staff-alert', 'compta'],
    ]);
    expect(event.type).toBe(PaymentNeedsAttention.type);
  });
});
