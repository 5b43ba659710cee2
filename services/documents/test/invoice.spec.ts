import { describe, expect, it } from 'vitest';
import { bookingDocumentKey, documentFilename, missionProposalKey } from '../src/domain/document-sets.ts';
import {
  bookingInconsistencies,
  buildInvoice,
  formatInvoiceNumber,
  invoiceYear,
} from '../src/domain/invoice.ts';
import { bookingData, ttcLinesPrice } from './fixtures.ts';

describe('invoice', () => {
  it('numbers invoices per Paris year with six digits', () => {
    expect(formatInvoiceNumber(2026, 1)).toBe('FA-2026-000001');
    expect(formatInvoiceNumber(2027, 123_456)).toBe('FA-2027-123456');
    expect(() => formatInvoiceNumber(2026, 0)).toThrow(/out of range/);
    expect(() => formatInvoiceNumber(2026, 1_000_000)).toThrow(/out of range/);
    expect(invoiceYear({ confirmedAt: '2026-12-31T23:15:00.000Z' })).toBe(2027);
  });

  it.each([
    ['settled', 137_214, 0],
    ['short payment', 130_000, 7_214],
    ['overpaid', 140_000, -2_786],
  ])('%s: the balance is TTC minus what was paid', (_case, paid, balance) => {
    const invoice = buildInvoice(bookingData({ amountPaidCents: paid }), 'FA-2026-000007');
    expect(invoice).toMatchObject({
      number: 'FA-2026-000007',
      issuedAt: '2026-03-02T10:15:00.000Z',
      paidCents: paid,
      balanceCents: balance,
    });
    expect(invoice.breakdown.totalTtcCents).toBe(137_214);
    expect(invoice.breakdown.totalHtCents + invoice.breakdown.totalVatCents).toBe(137_214);
  });

  it('reads the booking service price: HT lines, the VAT stated once, insurance outside VAT', () => {
    const { breakdown } = buildInvoice(bookingData(), 'FA-2026-000001');
    expect(breakdown.lines).toEqual([
      {
        label: 'Forfait déménagement Paris → Lyon',
        htCents: 45_000,
        vatCents: 9_000,
        ttcCents: 54_000,
        vatExempt: false,
      },
      {
        label: 'Volume : 20 m³ × 25,00 €',
        htCents: 50_000,
        vatCents: 10_000,
        ttcCents: 60_000,
        vatExempt: false,
      },
      {
        label: 'Étages sans ascenseur : 3 × 15,00 €',
        htCents: 4_500,
        vatCents: 900,
        ttcCents: 5_400,
        vatExempt: false,
      },
      {
        label: 'Emballage des cartons fragiles',
        htCents: 12_345,
        vatCents: 2_469,
        ttcCents: 14_814,
        vatExempt: false,
      },
      { label: 'Assurance (exonérée de TVA)', htCents: 3_000, vatCents: 0, ttcCents: 3_000, vatExempt: true },
    ]);
    expect(breakdown).toMatchObject({
      totalHtCents: 114_845,
      totalVatCents: 22_369,
      totalTtcCents: 137_214,
      exemptCents: 3_000,
    });
  });

  it('spreads a stated VAT that was rounded once over the lines, to the cent', () => {
    const base = bookingData().price;
    // 333 + 333 + 334 = 1 000 HT → VAT 200 stated; 3 × 1 cent of rounding to place.
    const price = {
      ...base,
      lines: [
        { code: 'A', label: 'A', amountCents: 333 },
        { code: 'B', label: 'B', amountCents: 333 },
        { code: 'C', label: 'C', amountCents: 334 },
        { code: 'VAT', label: 'TVA 20 %', amountCents: 200 },
      ],
      totalCents: 1_200,
    };
    const { breakdown } = buildInvoice(bookingData({ price, amountPaidCents: 1_200 }), 'FA-2026-000001');
    expect(breakdown.lines.map((l) => [l.htCents, l.vatCents, l.ttcCents])).toEqual([
      [333, 67, 400],
      [333, 66, 399],
      [334, 67, 401],
    ]);
    expect(breakdown.totalVatCents).toBe(200);
    expect(breakdown.totalTtcCents).toBe(1_200);
  });

  it('reads a price without a VAT line as lines that include VAT', () => {
    const { breakdown } = buildInvoice(
      bookingData({ price: ttcLinesPrice, amountPaidCents: 119_345 }),
      'FA-2026-000001',
    );
    expect(breakdown.totalTtcCents).toBe(119_345);
    expect(breakdown.totalHtCents).toBe(99_454);
    expect(breakdown.totalVatCents).toBe(19_891);
    expect(breakdown.exemptCents).toBe(0);
  });

  it('finds the inconsistencies that would make a wrong invoice', () => {
    expect(bookingInconsistencies(bookingData())).toEqual([]);
    const base = bookingData();
    expect(bookingInconsistencies(bookingData({ price: { ...base.price, totalCents: 100 } }))).toEqual([
      'price lines add up to 137214 cents but price.totalCents is 100',
    ]);
    const withVat = (vat: number) => ({
      ...base.price,
      lines: base.price.lines.map((l) => (l.code === 'VAT' ? { ...l, amountCents: vat } : l)),
      totalCents: base.price.totalCents - 22_369 + vat,
    });
    // One cent of rounding is fine; a VAT that is not the rate applied to the taxable lines is not.
    expect(bookingInconsistencies(bookingData({ price: withVat(22_370) }))).toEqual([]);
    expect(bookingInconsistencies(bookingData({ price: withVat(25_000) }))).toEqual([
      'stated VAT 25000 cents is not 20 % of the taxable 111845 cents',
    ]);
    expect(bookingInconsistencies(bookingData({ price: ttcLinesPrice }))).toEqual([]);
    expect(bookingInconsistencies(bookingData({ price: { ...base.price, vatRatePercent: 19.999 } }))).toEqual(
      ['price.vatRatePercent 19.999 is not a percentage with at most 2 decimals'],
    );
  });
});

describe('document sets', () => {
  const bookingId = '0195f3a4-0000-7000-8000-0000000b0001';
  it('shares the confirmation and the invoice between audiences and keeps customer details internal', () => {
    expect(bookingDocumentKey(bookingId, 'BOOKING_CONFIRMATION')).toBe(
      `bookings/${bookingId}/booking-confirmation.pdf`,
    );
    expect(bookingDocumentKey(bookingId, 'INVOICE')).toBe(`bookings/${bookingId}/invoice.pdf`);
    expect(bookingDocumentKey(bookingId, 'CUSTOMER_DETAILS')).toBe(
      `bookings/${bookingId}/internal/customer-details.pdf`,
    );
    expect(missionProposalKey('a1', 'p1', 1)).toBe('attributions/a1/p1/round-1/mission-proposal.pdf');
    expect(missionProposalKey('a1', 'p1', 2)).toBe('attributions/a1/p1/round-2/mission-proposal.pdf');
  });

  it('names files with the references people know', () => {
    const ids = { reference: 'EQ-2026-000123', invoiceNumber: 'FA-2026-000042' };
    expect(documentFilename('BOOKING_CONFIRMATION', ids)).toBe('confirmation-reservation-EQ-2026-000123.pdf');
    expect(documentFilename('INVOICE', ids)).toBe('facture-FA-2026-000042.pdf');
    expect(documentFilename('CUSTOMER_DETAILS', ids)).toBe('fiche-client-EQ-2026-000123.pdf');
    expect(documentFilename('MISSION_PROPOSAL', ids)).toBe('proposition-mission-EQ-2026-000123.pdf');
  });
});
