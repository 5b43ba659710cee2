import { describe, expect, it } from 'vitest';
import { checkPhoneNumber } from '../src/phone-number.ts';

const forSms = { refusedTypes: new Set(['FIXED_LINE', 'TOLL_FREE']), cannot: 'receive SMS' };

describe('checkPhoneNumber', () => {
  it.each([
    ['06 12 34 56 78', '+33612345678', 'FR'],
    ['+32 470 12 34 56', '+32470123456', 'BE'],
    ['0033612345678', '+33612345678', 'FR'],
  ])('%s → %s', (raw, e164, country) => {
    expect(checkPhoneNumber(raw, forSms)).toEqual({ ok: true, e164, country });
  });

  it('uses the default country for national numbers', () => {
    expect(checkPhoneNumber('0470 12 34 56', { ...forSms, defaultCountry: 'BE' })).toMatchObject({
      ok: true,
      e164: '+32470123456',
    });
  });

  it.each([
    ['12', 'invalid phone number'],
    ['not a phone', 'invalid phone number (not_a_number)'],
    ['06 12', 'invalid phone number'],
    ['01 23 45 67 89', 'phone number cannot receive SMS (fixed line)'],
    ['0800 12 34 56', 'phone number cannot receive SMS (toll free)'],
  ])('refuses %s with a reason that never echoes it', (raw, reason) => {
    const result = checkPhoneNumber(raw, forSms);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toContain(reason);
    expect(result.reason).not.toContain(raw);
  });

  it('lets a type through when the channel accepts it', () => {
    expect(
      checkPhoneNumber('01 23 45 67 89', { refusedTypes: new Set(['TOLL_FREE']), cannot: 'have WhatsApp' }),
    ).toMatchObject({ ok: true, e164: '+33123456789' });
  });
});
