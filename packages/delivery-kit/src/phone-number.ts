import { type CountryCode, ParseError, parsePhoneNumberWithError } from 'libphonenumber-js/max';

export type PhoneCheck = { ok: true; e164: string; country: string | null } | { ok: false; reason: string };

/**
 * E.164 form of a recipient's number ("06 12 34 56 78" → "+33612345678" with France as the default country), or
 * why nothing can be sent there: not a number, not valid for its country, or of a type in `refusedTypes`
 * (libphonenumber's types: FIXED_LINE, TOLL_FREE…; unknown types go ahead). `cannot` completes the refusal:
 * "phone number cannot <cannot> (toll free)". Never echoes the number (it is personal data).
 */
export const checkPhoneNumber = (
  raw: string,
  options: { defaultCountry?: CountryCode; refusedTypes: ReadonlySet<string>; cannot: string },
): PhoneCheck => {
  let parsed: ReturnType<typeof parsePhoneNumberWithError>;
  try {
    parsed = parsePhoneNumberWithError(raw, options.defaultCountry ?? 'FR');
  } catch (error) {
    const code = error instanceof ParseError ? error.message : 'NOT_A_NUMBER';
    return { ok: false, reason: `invalid phone number (${code.toLowerCase()})` };
  }
  if (!parsed.isValid())
    return { ok: false, reason: 'invalid phone number (not a valid number for its country)' };
  const type = parsed.getType();
  if (type && options.refusedTypes.has(type)) {
    return {
      ok: false,
      reason: `phone number cannot ${options.cannot} (${type.toLowerCase().replace(/_/g, ' ')})`,
    };
  }
  return { ok: true, e164: parsed.number, country: parsed.country ?? null };
};
