import {
  BookingConfirmed,
  createEvent,
  DocumentsGenerated,
  deterministicId,
  type Envelope,
} from '@express-quote/contracts';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import {
  BOOKING_DOCUMENT_KINDS,
  BOOKING_DOCUMENT_SETS,
  type BookingAudience,
  type BookingDocumentKind,
  bookingDocumentKey,
  documentFilename,
} from '../domain/document-sets.ts';
import { bookingInconsistencies, invoiceIssueDate, invoiceYear } from '../domain/invoice.ts';
import { assignInvoiceNumber } from '../invoices/invoice-numbers.ts';
import type { DocumentsDatabase } from '../migrations.ts';
import type { BookingData } from '../rendering/booking-text.ts';
import type { RenderJob } from '../rendering/render-job.ts';
import { type PlannedDocument, type RenderDeps, renderAndStore } from './render-and-store.ts';
import { type FailureDeps, parseSourceEvent } from './source-event.ts';

export interface BookingConfirmedDeps extends RenderDeps, FailureDeps {
  db: Kysely<DocumentsDatabase>;
}

const jobFor = (kind: BookingDocumentKind, booking: BookingData, invoiceNumber: string): RenderJob => {
  switch (kind) {
    case 'BOOKING_CONFIRMATION':
      return { kind, booking };
    case 'INVOICE':
      return { kind, booking, invoiceNumber };
    case 'CUSTOMER_DETAILS':
      return { kind, booking };
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown booking document kind ${String(unreachable)}`);
    }
  }
};

/** The deterministic id of the DocumentsGenerated of one audience: a redelivery republishes the same message. */
export const bookingDocumentsEventId = (sourceEventId: string, audience: BookingAudience): string =>
  deterministicId(sourceEventId, audience);

/**
 * BookingConfirmed → invoice number (gap-free, the same on redelivery), the booking's documents rendered once
 * each (confirmation and invoice are shared by both audiences), stored, then one DocumentsGenerated per audience.
 * Objects are stored before the events are published, so an event never points at a missing document.
 */
export const handleBookingConfirmed = async (
  deps: BookingConfirmedDeps,
  event: Envelope,
  logger: Logger,
): Promise<void> => {
  const booking = await parseSourceEvent(deps, event, BookingConfirmed, bookingInconsistencies);
  const invoice = await assignInvoiceNumber(deps.db, {
    bookingId: booking.bookingId,
    year: invoiceYear(booking),
    issuedAt: invoiceIssueDate(booking),
    sourceEventId: event.id,
  });
  const ids = { reference: booking.reference, invoiceNumber: invoice.invoiceNumber };
  const planned: PlannedDocument[] = BOOKING_DOCUMENT_KINDS.map((kind) => ({
    key: bookingDocumentKey(booking.bookingId, kind),
    filename: documentFilename(kind, ids),
    job: jobFor(kind, booking, invoice.invoiceNumber),
  }));
  // Every render starts now (confirmation and invoice first: the pool takes them in that order); each audience's
  // event goes out as soon as its own documents are stored, so the customer's confirmation does not wait for the
  // internal customer-details sheet.
  const storing = new Map(planned.map((p) => [p.job.kind, renderAndStore(deps, [p]).then(([d]) => d!)]));
  // Awaited below in audience order; a failure after the first await must not become an unhandled rejection.
  for (const promise of storing.values()) promise.catch(() => undefined);
  for (const audience of ['customer', 'internal'] as const) {
    const documents = await Promise.all(BOOKING_DOCUMENT_SETS[audience].map((kind) => storing.get(kind)!));
    const generated = createEvent(
      DocumentsGenerated,
      { audience, bookingId: booking.bookingId, invoiceNumber: invoice.invoiceNumber, documents },
      { cause: event, id: bookingDocumentsEventId(event.id, audience), occurredAt: deps.now() },
    );
    const ack = await deps.publisher.publish(generated);
    logger.debug({ audience, duplicate: ack.duplicate, documents: documents.length }, 'documents published');
  }
  const stored = await Promise.all(storing.values());
  logger.info(
    {
      bookingId: booking.bookingId,
      invoiceNumber: invoice.invoiceNumber,
      invoiceNumberIsNew: invoice.created,
      documents: stored.map((d) => ({ kind: d.kind, bytes: d.bytes })),
    },
    'booking documents generated',
  );
};
