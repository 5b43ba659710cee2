import type { DocumentKind } from '@express-quote/contracts';
import type { BookingData } from './booking-text.ts';
import type { ProposalData } from './mission-proposal.ts';

/**
 * One document to render: plain data (structured-clone friendly, it crosses to a worker thread) taken from the
 * consumed event, so the same event always gives the same bytes.
 */
export type RenderJob =
  | { kind: 'BOOKING_CONFIRMATION'; booking: BookingData }
  | { kind: 'INVOICE'; booking: BookingData; invoiceNumber: string }
  | { kind: 'CUSTOMER_DETAILS'; booking: BookingData }
  | { kind: 'MISSION_PROPOSAL'; proposal: ProposalData; createdAt: string };

export type RenderJobKind = RenderJob['kind'] & DocumentKind;
