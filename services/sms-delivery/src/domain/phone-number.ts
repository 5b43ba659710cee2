import { type CountryCode, ParseError, parsePhoneNumberWithError } from 'libphonenumber-js/max';

export type PhoneCheck = { ok: true; e164: string; country: string | null } | { ok: false; reason: string };

// Numbers that exist but can never receive an SMS: refusing them here saves a provider call that would fail
// (Twilio 21614) and tells support why at once. Unknown or ambiguous types (FIXED_LINE_OR_MOBILE, VOIP) go ahead.
const NOT_FOR_SMS = new Set(['FIXED_LINE', 'TOLL_FREE', 'PREMIUM_RATE', 'SHARED_COST', 'VOICEMAIL', 'UAN']);

/**
 * E.164 form of a recipient's number for an SMS ("06 12 34 56 78" → "+33612345678" with France as the default
 * country), or why no SMS can go there. Never echoes the number (it is personal data).
 */
export const checkMobileNumber = (raw: string, defaultCountry: CountryCode = 'FR'): PhoneCheck => {
  let parsed: ReturnType<typeof parsePhoneNumberWithError>;
  try {
    parsed = parsePhoneNumberWithError(raw, defaultCountry);
  } catch (error) {
    const code = error instanceof ParseError ? error.message : 'NOT_A_NUMBER';
    return { ok: false, reason: `invalid phone number (${code.toLowerCase()})` };
  }
  if (!parsed.isValid())
    return { ok: false, reason: 'invalid phone number (not a valid number for its country)' };
  const type = parsed.getType();
  if (type && NOT_FOR_SMS.has(type)) {
    return {
      ok: false,
      reason: `phone number cannot receive SMS (${type.toLowerCase().replace(/_/g, ' ')})`,
    };
  }
  return { ok: true, e164: parsed.number, country: parsed.country ?? null };
};
