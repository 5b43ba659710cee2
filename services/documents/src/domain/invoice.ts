import type { BookingConfirmed, DataOf, Price } from '@express-quote/contracts';
import { parisYear } from './paris-time.ts';
import { rateInBasisPoints, type VatBreakdown, vatBreakdown, vatBreakdownFromNet } from './vat.ts';

type Booking = DataOf<typeof BookingConfirmed>;

/**
 * How a price reads. The booking service prices lines before VAT, states the VAT once in a line coded `VAT`, and
 * adds the insurance premium (outside the scope of VAT) as a line coded `INSURANCE`; the total is TTC. A price
 * without a `VAT` line is read as lines that already include VAT at `vatRatePercent`. Either way the lines add up
 * to `totalCents`.
 */
export const VAT_LINE_CODE = 'VAT';
export const VAT_EXEMPT_LINE_CODES: ReadonlySet<string> = new Set(['INSURANCE']);

const statesVat = (price: Price): boolean => price.lines.some((l) => l.code === VAT_LINE_CODE);

export const priceBreakdown = (price: Price): VatBreakdown => {
  if (!statesVat(price)) return vatBreakdown(price.lines, price.vatRatePercent);
  const rest = price.lines.filter((l) => l.code !== VAT_LINE_CODE);
  return vatBreakdownFromNet({
    taxable: rest.filter((l) => !VAT_EXEMPT_LINE_CODES.has(l.code)),
    exempt: rest.filter((l) => VAT_EXEMPT_LINE_CODES.has(l.code)),
    vatCents: price.lines.filter((l) => l.code === VAT_LINE_CODE).reduce((sum, l) => sum + l.amountCents, 0),
    vatRatePercent: price.vatRatePercent,
  });
};

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
  const breakdown = priceBreakdown(booking.price);
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
 * `documents.failed` reason: printing an invoice that does not add up would be worse than none.
 */
export const bookingInconsistencies = (booking: Booking): string[] => {
  const { price } = booking;
  const problems: string[] = [];
  const sum = price.lines.reduce((total, line) => total + line.amountCents, 0);
  if (sum !== price.totalCents) {
    problems.push(`price lines add up to ${sum} cents but price.totalCents is ${price.totalCents}`);
  }
  if (price.totalCents < 0) problems.push(`price.totalCents is negative (${price.totalCents})`);
  let rateBp: number | undefined;
  try {
    rateBp = price.vatRatePercent <= 100 ? rateInBasisPoints(price.vatRatePercent) : undefined;
  } catch {
    rateBp = undefined;
  }
  if (rateBp === undefined) {
    problems.push(`price.vatRatePercent ${price.vatRatePercent} is not a percentage with at most 2 decimals`);
  }
  if (statesVat(price)) {
    const vatLines = price.lines.filter((l) => l.code === VAT_LINE_CODE);
    const net = price.lines
      .filter((l) => l.code !== VAT_LINE_CODE && !VAT_EXEMPT_LINE_CODES.has(l.code))
      .reduce((total, l) => total + l.amountCents, 0);
    const vat = vatLines.reduce((total, l) => total + l.amountCents, 0);
    if (vatLines.length > 1) problems.push(`${vatLines.length} lines coded ${VAT_LINE_CODE}, expected one`);
    if (vat !== 0 && net <= 0) problems.push(`VAT of ${vat} cents on a taxable amount of ${net} cents`);
    // The stated VAT must be the rate applied to the taxable lines, give or take the rounding of one cent.
    if (rateBp !== undefined && Math.abs(vat - (net * rateBp) / 10_000) > 1) {
      problems.push(`stated VAT ${vat} cents is not ${price.vatRatePercent} % of the taxable ${net} cents`);
    }
  }
  return problems;
};
