import { createHash } from 'node:crypto';
import {
  BookingConfirmed,
  DocumentsFailed,
  DocumentsGenerated,
  deterministicId,
  type Envelope,
  type EventOf,
} from '@express-quote/contracts';
import { type BlobStore, createPublisher, listDeadLetters, openObjectStore } from '@express-quote/messaging';
import {
  createTestDatabase,
  createTestNats,
  type TestDatabase,
  type TestNats,
  waitFor,
} from '@express-quote/testing';
import type { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentsService } from '../src/service.ts';
import { bookingConfirmed, customer, pickupStreet, professionalProposed } from './fixtures.ts';
import { pdfText } from './pdf-text.ts';
import { counterValue, signedPath, startService, streamEvents } from './service-harness.ts';

let tn: TestNats;
let database: TestDatabase;
let service: (DocumentsService & { registry: Registry }) | undefined;
let blobs: BlobStore;

const start = async () => {
  service = await startService({ natsUrl: tn.url, ns: tn.ns, databaseUrl: database.url });
  return service;
};

beforeAll(async () => {
  [tn, database] = await Promise.all([createTestNats(), createTestDatabase()]);
  await start();
  blobs = await openObjectStore(tn.nc, tn.ns, 'documents');
});

afterAll(async () => {
  await service?.stop();
  await tn?.cleanup();
  await database?.drop();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const documentsStream = () => tn.ns.stream('documents');
const documentEvents = async () => streamEvents(tn.jsm, documentsStream());
const generatedFor = async (causationId: string) =>
  (await documentEvents()).filter(
    (e): e is EventOf<typeof DocumentsGenerated> =>
      e.type === DocumentsGenerated.type && e.causationId === causationId,
  );

const booking = bookingConfirmed({}, '0195f3a4-1111-7000-8000-000000000001');

describe('documents service (real NATS and Postgres)', () => {
  it('BookingConfirmed → the PDFs in the bucket and one DocumentsGenerated per audience', async () => {
    const ack = await createPublisher(tn.nc, tn.ns).publish(booking);
    expect(ack.duplicate).toBe(false);
    const generated = await waitFor('two DocumentsGenerated', async () => {
      const events = await generatedFor(booking.id);
      return events.length === 2 && events;
    });

    const customerSet = generated.find((e) => e.data.audience === 'customer')!;
    const internalSet = generated.find((e) => e.data.audience === 'internal')!;
    expect(customerSet.id).toBe(deterministicId(booking.id, 'customer'));
    expect(internalSet.id).toBe(deterministicId(booking.id, 'internal'));
    for (const event of generated) {
      expect(event.correlationId).toBe(booking.correlationId);
      expect(event.causationId).toBe(booking.id);
      expect(event.data.bookingId).toBe(booking.data.bookingId);
      expect(event.data.invoiceNumber).toBe('FA-2026-000001');
    }
    const bookingId = booking.data.bookingId;
    expect(customerSet.data.documents.map((d) => [d.kind, d.key, d.filename])).toEqual([
      [
        'BOOKING_CONFIRMATION',
        `bookings/${bookingId}/booking-confirmation.pdf`,
        'confirmation-reservation-EQ-2026-000123.pdf',
      ],
      ['INVOICE', `bookings/${bookingId}/invoice.pdf`, 'facture-FA-2026-000001.pdf'],
    ]);
    expect(internalSet.data.documents.map((d) => d.kind)).toEqual([
      'BOOKING_CONFIRMATION',
      'INVOICE',
      'CUSTOMER_DETAILS',
    ]);
    // Shared documents are one object referenced by both sets.
    expect(internalSet.data.documents.slice(0, 2)).toEqual(customerSet.data.documents);

    for (const document of internalSet.data.documents) {
      const object = await blobs.get(document.key);
      expect(object, document.key).not.toBeNull();
      expect(sha256(object!.data)).toBe(document.sha256);
      expect(object!.bytes).toBe(document.bytes);
      expect(object!.contentType).toBe('application/pdf');
    }
    const invoice = await blobs.get(`bookings/${bookingId}/invoice.pdf`);
    expect((await pdfText(invoice!.data)).text).toContain('N° FA-2026-000001');
    const details = await blobs.get(`bookings/${bookingId}/internal/customer-details.pdf`);
    expect((await pdfText(details!.data)).text).toContain(customer.email);
  });

  it('a redelivered BookingConfirmed republishes the same ids: no second message, same objects, same invoice number', async () => {
    const before = await documentEvents();
    const objectsBefore = await Promise.all(
      ['booking-confirmation.pdf', 'invoice.pdf', 'internal/customer-details.pdf'].map((k) =>
        blobs.info(`bookings/${booking.data.bookingId}/${k}`),
      ),
    );
    // Redelivery from scratch: the consumer loses its state (as after a replay), the event comes again.
    await service!.stop();
    await tn.jsm.consumers.delete(tn.ns.stream('bookings'), 'documents-booking-confirmed');
    const restarted = await start();
    await waitFor('the BookingConfirmed handled again', async () => {
      const acked = await counterValue(restarted.registry, 'eq_consumer_messages_total', {
        consumer: 'documents-booking-confirmed',
        outcome: 'acked',
      });
      return acked === 1;
    });

    const after = await documentEvents();
    expect(after.map((e) => e.id)).toEqual(before.map((e) => e.id));
    const objectsAfter = await Promise.all(
      ['booking-confirmation.pdf', 'invoice.pdf', 'internal/customer-details.pdf'].map((k) =>
        blobs.info(`bookings/${booking.data.bookingId}/${k}`),
      ),
    );
    // Same bytes: the objects were not even rewritten.
    expect(objectsAfter.map((o) => [o?.nuid, o?.metadata?.sha256])).toEqual(
      objectsBefore.map((o) => [o?.nuid, o?.metadata?.sha256]),
    );
    const invoices = await database.db.selectFrom('documents.invoices').selectAll().execute();
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({
      invoice_number: 'FA-2026-000001',
      booking_id: booking.data.bookingId,
    });
  });

  it('ProfessionalProposed → the restricted MISSION_PROPOSAL and a professional DocumentsGenerated', async () => {
    const proposed = professionalProposed();
    await createPublisher(tn.nc, tn.ns).publish(proposed);
    const [generated] = await waitFor('DocumentsGenerated for the professional', async () => {
      const events = await generatedFor(proposed.id);
      return events.length === 1 && events;
    });
    expect(generated!.id).toBe(
      deterministicId(proposed.id, 'professional', proposed.data.professionalId, 'round', 1),
    );
    expect(generated!.data).toMatchObject({
      audience: 'professional',
      bookingId: proposed.data.booking.bookingId,
      attributionId: proposed.data.attributionId,
      professionalId: proposed.data.professionalId,
      round: 1,
    });
    const [document] = generated!.data.documents;
    expect(document).toMatchObject({
      kind: 'MISSION_PROPOSAL',
      key: `attributions/${proposed.data.attributionId}/${proposed.data.professionalId}/round-1/mission-proposal.pdf`,
      filename: 'proposition-mission-EQ-2026-000123.pdf',
    });
    const object = await blobs.get(document!.key);
    expect(sha256(object!.data)).toBe(document!.sha256);
    const { text } = await pdfText(object!.data);
    expect(text).toContain('Client J. D.');
    for (const secret of [customer.lastName, customer.email, customer.phone, pickupStreet]) {
      expect(text).not.toContain(secret);
    }
  });

  it('the same professional proposed again in round 2 gets a new document; the round-1 one stays as it was', async () => {
    const professionalId = '0195f3a4-0000-7000-8000-00000000f002';
    const round1 = professionalProposed({ professionalId, round: 1 });
    const round2 = professionalProposed({
      professionalId,
      round: 2,
      acceptUrl: `https://pro.express-quote.fr/api/attribution/a/accept?professional=${professionalId}&token=acc_round2`,
      respondBy: '2026-03-03T16:15:00.000Z',
    });
    const publisher = createPublisher(tn.nc, tn.ns);
    await publisher.publish(round1);
    const [first] = await waitFor('round-1 DocumentsGenerated', async () => {
      const events = await generatedFor(round1.id);
      return events.length === 1 && events;
    });
    const firstDocument = first!.data.documents[0]!;
    const firstObject = await blobs.info(firstDocument.key);

    await publisher.publish(round2);
    const [second] = await waitFor('round-2 DocumentsGenerated', async () => {
      const events = await generatedFor(round2.id);
      return events.length === 1 && events;
    });
    const secondDocument = second!.data.documents[0]!;
    expect(second!.data).toMatchObject({ professionalId, round: 2 });
    expect(second!.id).not.toBe(first!.id);
    expect(secondDocument.key).toBe(
      `attributions/${round2.data.attributionId}/${professionalId}/round-2/mission-proposal.pdf`,
    );
    expect(firstDocument.key).toBe(
      `attributions/${round1.data.attributionId}/${professionalId}/round-1/mission-proposal.pdf`,
    );
    // The round-2 PDF carries its own links, so its bytes differ; each object still matches its own event.
    expect(secondDocument.sha256).not.toBe(firstDocument.sha256);
    const [firstNow, secondNow] = await Promise.all([
      blobs.get(firstDocument.key),
      blobs.get(secondDocument.key),
    ]);
    expect(sha256(firstNow!.data)).toBe(firstDocument.sha256);
    expect(sha256(secondNow!.data)).toBe(secondDocument.sha256);
    // Not rewritten: a message that referenced the round-1 object still finds exactly what it was told.
    expect((await blobs.info(firstDocument.key))?.nuid).toBe(firstObject?.nuid);
  });

  it('a malformed event is terminated once with a documents.failed reason, never retried', async () => {
    const invalid: Envelope = {
      ...bookingConfirmed({}, '0195f3a4-2222-7000-8000-000000000001'),
      data: {
        ...booking.data,
        bookingId: '0195f3a4-2222-7000-8000-0000000b0002',
        customer: { ...customer, email: 'nope' },
      },
    };
    const inconsistentData = { ...booking.data, bookingId: '0195f3a4-2222-7000-8000-0000000b0003' };
    const inconsistent: Envelope = {
      ...bookingConfirmed({}, '0195f3a4-2222-7000-8000-000000000002'),
      data: { ...inconsistentData, price: { ...inconsistentData.price, totalCents: 1 } },
    };
    // Raw publishes: the publisher of @express-quote/messaging refuses to send invalid events at all.
    for (const event of [invalid, inconsistent]) {
      await tn.js.publish(tn.ns.subject(BookingConfirmed.subject), JSON.stringify(event), {
        msgID: event.id,
      });
    }
    const failures = await waitFor('two documents.failed', async () => {
      const events = (await documentEvents()).filter(
        (e): e is EventOf<typeof DocumentsFailed> => e.type === DocumentsFailed.type,
      );
      return events.length === 2 && events;
    });
    const bySource = new Map(failures.map((f) => [f.data.sourceEventId, f]));
    expect(bySource.get(invalid.id)).toMatchObject({
      id: deterministicId(invalid.id, DocumentsFailed.type),
      causationId: invalid.id,
      data: { sourceEventType: 'booking.confirmed', bookingId: '0195f3a4-2222-7000-8000-0000000b0002' },
    });
    expect(bySource.get(invalid.id)!.data.reason).toMatch(/invalid booking\.confirmed data: customer\.email/);
    expect(bySource.get(inconsistent.id)!.data.reason).toBe(
      'inconsistent booking.confirmed: price lines add up to 137214 cents but price.totalCents is 1',
    );

    const consumer = 'documents-booking-confirmed';
    const terminated = await waitFor('both terminated', async () => {
      const n = await counterValue(service!.registry, 'eq_consumer_messages_total', {
        consumer,
        outcome: 'terminated',
      });
      return n === 2 && n;
    });
    expect(terminated).toBe(2);
    const info = await tn.jsm.consumers.info(tn.ns.stream('bookings'), consumer);
    expect(info.num_redelivered).toBe(0);
    expect(info.num_ack_pending).toBe(0);
    expect(await counterValue(service!.registry, 'eq_consumer_redeliveries_total', { consumer })).toBe(0);
    // No invoice number was spent on them.
    expect(await database.db.selectFrom('documents.invoices').selectAll().execute()).toHaveLength(1);
    const dead = await waitFor('DLQ entries', async () => {
      const entries = (await listDeadLetters(tn.jsm, tn.ns)).filter((d) => d.consumer === consumer);
      return entries.length === 2 && entries;
    });
    expect(dead.map((d) => d.reason).join('\n')).toContain('price lines add up to 137214 cents');
  });

  describe('GET /api/documents/<key> (signed links)', () => {
    const key = () => `bookings/${booking.data.bookingId}/booking-confirmation.pdf`;
    const inAWeek = () => new Date(Date.now() + 7 * 24 * 3600 * 1000);

    it('serves the document through a signed, unexpired link', async () => {
      const res = await service!.app.inject({ method: 'GET', url: signedPath(key(), inAWeek()) });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toContain('confirmation-reservation-EQ-2026-000123.pdf');
      const stored = await blobs.get(key());
      expect(sha256(res.rawPayload)).toBe(stored!.sha256);
      expect(res.headers.etag).toBe(`"${stored!.sha256}"`);
    });

    it('refuses a wrong signature, an expired link and a link without signature with 403 and a reason', async () => {
      const good = signedPath(key(), inAWeek());
      const forged = good.replace('booking-confirmation.pdf', 'internal/customer-details.pdf');
      const cases = [
        [forged, 'bad_signature'],
        [good.replace(/signature=[^&]+/, 'signature=AAAA'), 'bad_signature'],
        [signedPath(key(), new Date(Date.now() - 1_000)), 'expired'],
        [`/api/documents/${key()}`, 'missing_signature'],
      ] as const;
      for (const [url, reason] of cases) {
        const res = await service!.app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(403);
        expect(res.json()).toMatchObject({ error: 'forbidden', reason });
        expect(res.json().message).toMatch(/Lien|lien/);
      }
    });

    it('answers 404 for a signed key that holds no document', async () => {
      const res = await service!.app.inject({
        method: 'GET',
        url: signedPath('bookings/0195f3a4-9999-7000-8000-000000000000/invoice.pdf', inAWeek()),
      });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: 'not_found' });
    });
  });
});
