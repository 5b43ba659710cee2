import type { DocumentAudience, DocumentKind } from '@express-quote/contracts';

/**
 * Which documents each audience receives. BOOKING_CONFIRMATION and INVOICE are the same document for the
 * customer and the staff, so they are rendered and stored once per booking and referenced by both sets; only
 * CUSTOMER_DETAILS is internal.
 */
export const BOOKING_DOCUMENT_SETS = {
  customer: ['BOOKING_CONFIRMATION', 'INVOICE'],
  internal: ['BOOKING_CONFIRMATION', 'INVOICE', 'CUSTOMER_DETAILS'],
} as const satisfies Record<Exclude<DocumentAudience, 'professional'>, readonly DocumentKind[]>;

export type BookingAudience = keyof typeof BOOKING_DOCUMENT_SETS;
export type BookingDocumentKind = (typeof BOOKING_DOCUMENT_SETS)[BookingAudience][number];

/** Every kind a booking needs, each once, in a stable order. */
export const BOOKING_DOCUMENT_KINDS: readonly BookingDocumentKind[] = [
  ...new Set<BookingDocumentKind>([...BOOKING_DOCUMENT_SETS.customer, ...BOOKING_DOCUMENT_SETS.internal]),
];

export const bookingDocumentKey = (bookingId: string, kind: BookingDocumentKind): string => {
  switch (kind) {
    case 'BOOKING_CONFIRMATION':
      return `bookings/${bookingId}/booking-confirmation.pdf`;
    case 'INVOICE':
      return `bookings/${bookingId}/invoice.pdf`;
    case 'CUSTOMER_DETAILS':
      return `bookings/${bookingId}/internal/customer-details.pdf`;
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown booking document kind ${String(unreachable)}`);
    }
  }
};

/**
 * A professional who did not answer round 1 is proposed again in round 2 with new links: the round is in the key so
 * that round 2 never overwrites the round-1 object that a message may already reference by its sha256.
 */
export const missionProposalKey = (attributionId: string, professionalId: string, round: number): string =>
  `attributions/${attributionId}/${professionalId}/round-${round}/mission-proposal.pdf`;

/** The file name people see in their mail client (French, with the reference they know). */
export const documentFilename = (
  kind: DocumentKind,
  ids: { reference: string; invoiceNumber?: string | undefined },
): string => {
  switch (kind) {
    case 'BOOKING_CONFIRMATION':
      return `confirmation-reservation-${ids.reference}.pdf`;
    case 'INVOICE':
      return `facture-${ids.invoiceNumber ?? ids.reference}.pdf`;
    case 'CUSTOMER_DETAILS':
      return `fiche-client-${ids.reference}.pdf`;
    case 'MISSION_PROPOSAL':
      return `proposition-mission-${ids.reference}.pdf`;
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown document kind ${String(unreachable)}`);
    }
  }
};
