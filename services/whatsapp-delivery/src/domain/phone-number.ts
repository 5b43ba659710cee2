import { type CountryCode, ParseError, parsePhoneNumberWithError } from 'libphonenumber-js/max';

export type PhoneCheck = { ok: true; e164: string; waId: string } | { ok: false; reason: string };

// Service numbers no WhatsApp account can sit on. Fixed lines are allowed: a WhatsApp Business account may.
const NOT_FOR_WHATSAPP = new Set(['TOLL_FREE', 'PREMIUM_RATE', 'SHARED_COST', 'VOICEMAIL', 'UAN']);

/**
 * The recipient's number for the Cloud API ("06 12 34 56 78" → E.164 "+33612345678", wa id "33612345678" with
 * France as the default country), or why no message can go there. Never echoes the number (personal data).
 */
export const checkWhatsAppNumber = (raw: string, defaultCountry: CountryCode = 'FR'): PhoneCheck => {
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
  if (type && NOT_FOR_WHATSAPP.has(type)) {
    return {
      ok: false,
      reason: `phone number cannot have WhatsApp (${type.toLowerCase().replace(/_/g, ' ')})`,
    };
  }
  return { ok: true, e164: parsed.number, waId: parsed.number.slice(1) };
};
