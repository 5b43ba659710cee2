/**
 * Masking of personal data that slips into log text (messages, error strings, URLs): what key-based redaction
 * cannot see. Enough is kept to tell two values apart while debugging, not to contact anyone.
 */

/** `jean.dupont@example.fr` → `j***@example.fr`. */
export const maskEmail = (email: string): string => {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
};

/** `+33612345678` → `+336******78`; `06 12 34 56 78` → `061*****78`. Separators are dropped. */
export const maskPhone = (phone: string): string => {
  const digits = phone.replace(/\D/g, '');
  const plus = phone.trim().startsWith('+') ? '+' : '';
  if (digits.length < 8) return `${plus}${'*'.repeat(digits.length)}`;
  return `${plus}${digits.slice(0, 3)}${'*'.repeat(digits.length - 5)}${digits.slice(-2)}`;
};

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// International numbers (E.164, possibly spaced) and French national ones (06 12 34 56 78). The look-arounds
// keep ids, hashes, timestamps and amounts out: a phone stands alone, not inside a longer token.
const PHONE = /(?<![\w+\-/.:])(?:\+[1-9](?:[ .-]?\d){7,14}|0[1-9](?:[ .-]?\d{2}){4})(?![\w-])/g;

/** Masks every e-mail address and phone number found in `text`. Already masked values are left as they are. */
export const maskPersonalData = (text: string): string =>
  text.replace(EMAIL, maskEmail).replace(PHONE, maskPhone);
