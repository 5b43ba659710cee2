import { describe, expect, it } from 'vitest';
import { checkMobileNumber } from '../src/domain/phone-number.ts';
import { truncateToSegments } from '../src/domain/sms-fit.ts';
import { measureSms, toGsmFriendly } from '../src/domain/sms-text.ts';

describe('SMS segments and encoding', () => {
  it.each([
    ['plain ASCII, 160 characters', 'a'.repeat(160), 'GSM-7', 1, 160],
    ['161 GSM-7 characters: two parts of 153', 'a'.repeat(161), 'GSM-7', 2, 161],
    ['306 GSM-7 characters: still two parts', 'a'.repeat(306), 'GSM-7', 2, 306],
    ['307 GSM-7 characters: three parts', 'a'.repeat(307), 'GSM-7', 3, 307],
    ['GSM-7 accents é è à ù ì ò É Ç', 'éèàùìòÉÇ', 'GSM-7', 1, 8],
    ['€ is in the extension table: two septets', '€'.repeat(80), 'GSM-7', 1, 160],
    ['81 € no longer fit one segment', '€'.repeat(81), 'GSM-7', 2, 162],
    ['ê is not GSM-7: UCS-2', `${'a'.repeat(69)}ê`, 'UCS-2', 1, 70],
    ['71 UCS-2 characters: two parts of 67', `${'a'.repeat(70)}ê`, 'UCS-2', 2, 71],
    ['an emoji forces UCS-2', 'Merci 🙂', 'UCS-2', 1, 7],
  ])('%s', (_name, text, encoding, segments, length) => {
    expect(measureSms(text)).toMatchObject({ encoding, segments, length });
  });

  it.each([
    ['Élodie', 'Élodie'],
    ['Françoise', 'Francoise'],
    ['FRANÇOISE', 'FRANÇOISE'],
    ['Zoë', 'Zoe'],
    ['Jérôme Lê', 'Jérome Le'],
    ['Benoît Hélène', 'Benoit Hélène'],
    ['cœur', 'coeur'],
    ['1\u202f234,56\u00a0€', '1 234,56 €'],
    ['09h00 \u2013 12h00', '09h00 - 12h00'],
    ['l\u2019équipe \u00abExpress\u00bb', 'l\'équipe "Express"'],
    ['Ωmega Müller Ñoño', 'Ωmega Müller Ñoño'],
    ['Łukasz 🙂', 'Łukasz 🙂'],
  ])('makes %s GSM-7 friendly where safe → %s', (input, output) => {
    expect(toGsmFriendly(input)).toBe(output);
  });

  it('keeps what has no GSM-7 equivalent (other scripts, emoji): the text then goes in UCS-2', () => {
    const text = toGsmFriendly('Bonjour Сергей');
    expect(text).toBe('Bonjour Сергей');
    expect(measureSms(text).encoding).toBe('UCS-2');
  });

  it('truncates a free text at a word to fit a number of segments', () => {
    const long = 'Le paiement de la réservation doit être vérifié. '.repeat(20);
    const cut = truncateToSegments(toGsmFriendly(long), 2);
    expect(measureSms(cut).segments).toBe(2);
    expect(cut.endsWith('...')).toBe(true);
    expect(toGsmFriendly(long).startsWith(cut.slice(0, -3))).toBe(true);
    expect(cut.slice(0, -3).endsWith(' ')).toBe(false);
    expect(truncateToSegments('court', 1)).toBe('court');
  });
});

describe('phone numbers', () => {
  it.each([
    ['06 12 34 56 78', '+33612345678'],
    ['+33 6 12 34 56 78', '+33612345678'],
    ['0033612345678', '+33612345678'],
    ['07.81.23.45.67', '+33781234567'],
    ['+32 470 12 34 56', '+32470123456'],
  ])('%s → %s', (raw, e164) => {
    expect(checkMobileNumber(raw)).toMatchObject({ ok: true, e164 });
  });

  it.each([
    ['12', /invalid phone number/],
    ['not a number', /invalid phone number/],
    ['06 12 34', /invalid phone number/],
    ['+33 1 23 45 67 89', /cannot receive SMS \(fixed line\)/],
    ['0800 12 34 56', /cannot receive SMS \(toll free\)/],
  ])('%s is refused before any provider call', (raw, reason) => {
    const result = checkMobileNumber(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toMatch(reason);
      expect(result.reason).not.toContain(raw);
    }
  });
});
