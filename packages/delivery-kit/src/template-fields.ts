import { BookingReference } from '@express-quote/contracts';
import { z } from 'zod';

// Template data arrives formatted for people by the planner (French dates, "1 234,56 €", labels): a delivery
// service only checks that each field is present, of the right kind and of a sane length for its channel.

export const text = (max = 200) =>
  z
    .string({ error: 'must be a text' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `at most ${max} characters`);

/** Optional text: absent, null and "" all mean "not given". */
export const optionalText = (max = 200) =>
  z
    .union([text(max), z.literal(''), z.null()])
    .optional()
    .transform((v) => (v ? v : null));

/** Only http(s): a `javascript:` link must never reach a mail client. */
export const webUrl = () =>
  z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048, 'at most 2048 characters');

export const optionalWebUrl = () =>
  z
    .union([webUrl(), z.literal(''), z.null()])
    .optional()
    .transform((v) => (v ? v : null));

/** EQ-2026-000123, as booking issues it. */
export const bookingReference = () => BookingReference;

export const reminderType = () => z.enum(['7d', '24h', '1h'], { error: 'must be 7d, 24h or 1h' });

/** "Élodie Martin" → "Élodie": short messages greet by first name (the planner sends the full name). */
export const firstNameOf = (fullName: string | null | undefined): string | null => {
  const first = fullName?.trim().split(/\s+/)[0];
  return first ? first : null;
};
