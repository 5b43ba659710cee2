import { checkPhoneNumber } from '@express-quote/delivery-kit';
import type { CountryCode } from 'libphonenumber-js/max';

export type WhatsAppNumberCheck = { ok: true; e164: string; waId: string } | { ok: false; reason: string };

// Service numbers no WhatsApp account can sit on. Fixed lines are allowed: a WhatsApp Business account may.
const NOT_FOR_WHATSAPP = new Set(['TOLL_FREE', 'PREMIUM_RATE', 'SHARED_COST', 'VOICEMAIL', 'UAN']);

/**
 * The recipient's number for the Cloud API: E.164 "+33612345678" and wa id "33612345678", or why no message can
 * go there (the number is never echoed).
 */
export const checkWhatsAppNumber = (raw: string, defaultCountry: CountryCode = 'FR'): WhatsAppNumberCheck => {
  const check = checkPhoneNumber(raw, {
    defaultCountry,
    refusedTypes: NOT_FOR_WHATSAPP,
    cannot: 'have WhatsApp',
  });
  return check.ok ? { ok: true, e164: check.e164, waId: check.e164.slice(1) } : check;
};
