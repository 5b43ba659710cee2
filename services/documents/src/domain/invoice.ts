import type { BookingConfirmed, DataOf } from '@express-quote/contracts';
import { parisYear } from './paris-time.ts';
import { type VatBreakdown, vatBreakdown } from './vat.ts';

type Booking = DataOf<typeof BookingConfirmed>;

/** `FA-2026-000042`: prefix, the Paris year of issue, then the gap-free sequence number of that year. */
export const formatInvoiceNumber = (year: number, sequence: number): string => {
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999_999) {
    throw new RangeError(`invoice sequence out of range: ${sequence}`);
  }
  return `FA-${year}-${String(sequence).padStart(6, '0')}`;
};

/** The invoice of a booking is issued when the booking is confirmed (the payment is already captured). */
export const invoiceIssueDate = (booking: Pick<Booking, 'confirmedAt'>): string => booking.confirmedAt;
export const invoiceYear = (booking: Pick<Booking, 'confirmedAt'>): number => parisYear(booking.confirmedAt);

export interface InvoiceModel {
  number: string;
  issuedAt: string;
  breakdown: VatBreakdown;
  paidCents: number;
  /** TTC minus paid: 0 when settled, positive when the payment fell short, negative when overpaid. */
  balanceCents: number;
}

export const buildInvoice = (booking: Booking, number: string): InvoiceModel => {
  const breakdown = vatBreakdown(booking.price.lines, booking.price.vatRatePercent);
  return {
    number,
    issuedAt: invoiceIssueDate(booking),
    breakdown,
    paidCents: booking.amountPaidCents,
    balanceCents: breakdown.totalTtcCents - booking.amountPaidCents,
  };
};

/**
 * What makes a schema-valid BookingConfirmed unusable for documents. Such an event is terminated with a
 * `documents.failed` reason: printing an invoice whose lines do not add up to its total would be worse.
 */
export const bookingInconsistencies = (booking: Booking): string[] => {
  const problems: string[] = [];
  const sum = booking.price.lines.reduce((total, line) => total + line.amountCents, 0);
  if (sum !== booking.price.totalCents) {
    problems.push(`price lines add up to ${sum} cents but price.totalCents is ${booking.price.totalCents}`);
  }
  if (booking.price.totalCents < 0)
    problems.push(`price.totalCents is negative (${booking.price.totalCents})`);
  const rate = booking.price.vatRatePercent;
  if (rate > 100 || Math.abs(Math.round(rate * 100) - rate * 100) > 1e-6) {
    problems.push(`price.vatRatePercent ${rate} is not a percentage with at most 2 decimals`);
  }
  return problems;
};
