import { describe, expect, it } from 'vitest';
import { bookingDocumentKey, documentFilename, missionProposalKey } from '../src/domain/document-sets.ts';
import {
  bookingInconsistencies,
  buildInvoice,
  formatInvoiceNumber,
  invoiceYear,
} from '../src/domain/invoice.ts';
import { bookingData } from './fixtures.ts';

describe('invoice', () => {
  it('numbers invoices per Paris year with six digits', () => {
    expect(formatInvoiceNumber(2026, 1)).toBe('FA-2026-000001');
    expect(formatInvoiceNumber(2027, 123_456)).toBe('FA-2027-123456');
    expect(() => formatInvoiceNumber(2026, 0)).toThrow(/out of range/);
    expect(() => formatInvoiceNumber(2026, 1_000_000)).toThrow(/out of range/);
    expect(invoiceYear({ confirmedAt: '2026-12-31T23:15:00.000Z' })).toBe(2027);
  });

  it.each([
    ['settled', 124_245, 0],
    ['short payment', 120_000, 4_245],
    ['overpaid', 130_000, -5_755],
  ])('%s: the balance is TTC minus what was paid', (_case, paid, balance) => {
    const invoice = buildInvoice(bookingData({ amountPaidCents: paid }), 'FA-2026-000007');
    expect(invoice).toMatchObject({
      number: 'FA-2026-000007',
      issuedAt: '2026-03-02T10:15:00.000Z',
      paidCents: paid,
      balanceCents: balance,
    });
    expect(invoice.breakdown.totalTtcCents).toBe(124_245);
    expect(invoice.breakdown.totalHtCents + invoice.breakdown.totalVatCents).toBe(124_245);
  });

  it('finds the inconsistencies that would make a wrong invoice', () => {
    expect(bookingInconsistencies(bookingData())).toEqual([]);
    const base = bookingData();
    expect(bookingInconsistencies(bookingData({ price: { ...base.price, totalCents: 100 } }))).toEqual([
      'price lines add up to 124245 cents but price.totalCents is 100',
    ]);
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
    expect(missionProposalKey('a1', 'p1')).toBe('attributions/a1/p1/mission-proposal.pdf');
  });

  it('names files with the references people know', () => {
    const ids = { reference: 'EQ-2026-000123', invoiceNumber: 'FA-2026-000042' };
    expect(documentFilename('BOOKING_CONFIRMATION', ids)).toBe('confirmation-reservation-EQ-2026-000123.pdf');
    expect(documentFilename('INVOICE', ids)).toBe('facture-FA-2026-000042.pdf');
    expect(documentFilename('CUSTOMER_DETAILS', ids)).toBe('fiche-client-EQ-2026-000123.pdf');
    expect(documentFilename('MISSION_PROPOSAL', ids)).toBe('proposition-mission-EQ-2026-000123.pdf');
  });
});
