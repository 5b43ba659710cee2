import { describe, expect, it } from 'vitest';
import { formatEuros, formatPercent } from '../src/domain/money.ts';
import { vatBreakdown } from '../src/domain/vat.ts';

const NBSP = '\u00a0';

describe('formatEuros', () => {
  it.each([
    [0, `0,00${NBSP}€`],
    [5, `0,05${NBSP}€`],
    [123_456, `1${NBSP}234,56${NBSP}€`],
    [100_000_000, `1${NBSP}000${NBSP}000,00${NBSP}€`],
    [-1_250, `-12,50${NBSP}€`],
  ])('%i cents → %s', (cents, text) => {
    expect(formatEuros(cents)).toBe(text);
  });

  it('refuses anything but integer cents', () => {
    expect(() => formatEuros(12.5)).toThrow(/integer cents/);
  });

  it('writes rates the French way', () => {
    expect(formatPercent(20)).toBe(`20${NBSP}%`);
    expect(formatPercent(5.5)).toBe(`5,5${NBSP}%`);
  });
});

describe('vatBreakdown: HT + VAT = TTC to the cent', () => {
  // [TTC cents, rate, expected HT, expected VAT]: HT = TTC / (1 + rate) rounded half up.
  it.each([
    [12_000, 20, 10_000, 2_000],
    [100, 20, 83, 17],
    [1, 20, 1, 0],
    [2, 20, 2, 0],
    [3, 20, 3, 0],
    [6, 20, 5, 1],
    [99_999, 20, 83_333, 16_666],
    [124_245, 20, 103_538, 20_707],
    [1_055, 5.5, 1_000, 55],
    [1_000, 5.5, 948, 52],
    [1_100, 10, 1_000, 100],
    [4_321, 0, 4_321, 0],
    [0, 20, 0, 0],
  ])('TTC %i at %s percent → HT %i + VAT %i', (ttc, rate, ht, vat) => {
    const result = vatBreakdown([{ label: 'Prestation', amountCents: ttc }], rate);
    expect(result.totalHtCents).toBe(ht);
    expect(result.totalVatCents).toBe(vat);
    expect(result.totalHtCents + result.totalVatCents).toBe(ttc);
    expect(result.lines[0]).toEqual({
      label: 'Prestation',
      htCents: ht,
      vatCents: vat,
      ttcCents: ttc,
      vatExempt: false,
    });
  });

  it.each([
    [[3_333, 3_333, 3_334], 20],
    [[98_000, 9_000, 12_345, 4_900], 20],
    [[1, 1, 1, 1, 1, 1, 1], 20],
    [[999, 1_001, 17, 5_000_000], 5.5],
    [[10_000, -1_500, 250], 20],
    [[7, 13, 19, 23, 29, 31], 10],
  ])('lines %j at %s percent: every line and the totals add up exactly', (amounts, rate) => {
    const result = vatBreakdown(
      amounts.map((amountCents, i) => ({ label: `Ligne ${i + 1}`, amountCents })),
      rate,
    );
    const ttc = amounts.reduce((a, b) => a + b, 0);
    expect(result.totalTtcCents).toBe(ttc);
    expect(result.totalHtCents + result.totalVatCents).toBe(ttc);
    // The total HT is the rounded exact value, not the sum of separately rounded lines.
    expect(result.totalHtCents).toBe(Math.round((ttc * 100) / (100 + rate)));
    expect(result.lines.reduce((s, l) => s + l.htCents, 0)).toBe(result.totalHtCents);
    expect(result.lines.reduce((s, l) => s + l.vatCents, 0)).toBe(result.totalVatCents);
    for (const [i, line] of result.lines.entries()) {
      expect(line.htCents + line.vatCents).toBe(amounts[i]);
      // Each line stays within one cent of its exact HT value.
      expect(Math.abs(line.htCents - (amounts[i]! * 100) / (100 + rate))).toBeLessThan(1);
    }
  });

  it('hands the rounding cents to the lines that lost the most, first line first on ties', () => {
    const result = vatBreakdown(
      [
        { label: 'A', amountCents: 3_333 },
        { label: 'B', amountCents: 3_333 },
        { label: 'C', amountCents: 3_334 },
      ],
      20,
    );
    expect(result.lines.map((l) => l.htCents)).toEqual([2_778, 2_777, 2_778]);
    expect(result.totalHtCents).toBe(8_333);
  });

  it('refuses rates that are not percentages with at most two decimals', () => {
    expect(() => vatBreakdown([{ label: 'x', amountCents: 100 }], -1)).toThrow(/VAT rate/);
    expect(() => vatBreakdown([{ label: 'x', amountCents: 100 }], 19.999)).toThrow(/VAT rate/);
    expect(() => vatBreakdown([{ label: 'x', amountCents: 10.5 }], 20)).toThrow(/integer cents/);
  });
});
