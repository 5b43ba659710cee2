import { describe, expect, it } from 'vitest';
import {
  formatLocalDateLong,
  formatParisDate,
  formatParisDateTime,
  formatTimeWindow,
  parisYear,
} from '../src/domain/paris-time.ts';
import { toWinAnsi } from '../src/rendering/win-ansi.ts';

describe('Paris business dates', () => {
  it('writes a service date in full French, whatever the time zone of the machine', () => {
    expect(formatLocalDateLong('2026-03-14')).toBe('Samedi 14 mars 2026');
    expect(formatLocalDateLong('2026-12-25')).toBe('Vendredi 25 décembre 2026');
    expect(formatTimeWindow('09:00', '13:00')).toBe('09:00 – 13:00');
  });

  it.each([
    // Winter (UTC+1) and summer (UTC+2) time.
    ['2026-01-15T08:30:00.000Z', '15/01/2026 à 09:30'],
    ['2026-07-15T08:30:00.000Z', '15/07/2026 à 10:30'],
    // 23:30 UTC on 31 December is already the next day (and year) in Paris.
    ['2026-12-31T23:30:00.000Z', '01/01/2027 à 00:30'],
  ])('%s is %s in Paris', (instant, text) => {
    expect(formatParisDateTime(instant)).toBe(text);
  });

  it('takes the invoice year in Paris time', () => {
    expect(parisYear('2026-12-31T22:59:59.000Z')).toBe(2026);
    expect(parisYear('2026-12-31T23:00:00.000Z')).toBe(2027);
    expect(formatParisDate('2026-12-31T23:00:00.000Z')).toBe('01/01/2027');
  });

  it('refuses malformed dates', () => {
    expect(() => formatLocalDateLong('14/03/2026')).toThrow(/invalid local date/);
    expect(() => formatParisDate('not a date')).toThrow(/invalid instant/);
  });
});

describe('toWinAnsi (what the PDF standard fonts can draw)', () => {
  it.each([
    ['Déménagement à Noël : 1 234,56 € – « ça » œuvre', 'Déménagement à Noël : 1 234,56 € – « ça » œuvre'],
    ['1\u202f234,56\u00a0€', '1\u00a0234,56\u00a0€'],
    ['Paris → Lyon', 'Paris -> Lyon'],
    ['Łukasz Żółć', 'Lukasz Zólc'],
    ['Ștefan Đorđević', 'Stefan Dordevic'],
    ['王小明', '???'],
    ['Zoë 😀', 'Zoë ?'],
    ['tab\there', 'tab here'],
    ['e\u0301', 'é'],
  ])('%j → %j', (input, output) => {
    expect(toWinAnsi(input)).toBe(output);
  });
});
