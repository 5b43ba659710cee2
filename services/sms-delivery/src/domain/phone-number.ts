import { checkPhoneNumber, type PhoneCheck } from '@express-quote/delivery-kit';
import type { CountryCode } from 'libphonenumber-js/max';

// Numbers that exist but can never receive an SMS: refusing them here saves a provider call that would fail
// (Twilio 21614) and tells support why at once. Unknown or ambiguous types (FIXED_LINE_OR_MOBILE, VOIP) go ahead.
const NOT_FOR_SMS = new Set(['FIXED_LINE', 'TOLL_FREE', 'PREMIUM_RATE', 'SHARED_COST', 'VOICEMAIL', 'UAN']);

/** E.164 form of a recipient's number for an SMS, or why no SMS can go there (the number is never echoed). */
export const checkMobileNumber = (raw: string, defaultCountry: CountryCode = 'FR'): PhoneCheck =>
  checkPhoneNumber(raw, { defaultCountry, refusedTypes: NOT_FOR_SMS, cannot: 'receive SMS' });
