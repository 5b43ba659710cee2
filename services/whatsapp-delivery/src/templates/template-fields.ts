import { BookingReference } from '@express-quote/contracts';
import { z } from 'zod';

// Template data arrives formatted for people by the planner (French dates, "1 234,56 €", labels).

export const text = (max = 200) =>
  z
    .string({ error: 'must be a text' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `at most ${max} characters`);

export const optionalText = (max = 200) =>
  z
    .union([text(max), z.literal(''), z.null()])
    .optional()
    .transform((v) => (v ? v : null));

export const bookingReference = () => BookingReference;
export const reminderType = () => z.enum(['7d', '24h', '1h'], { error: 'must be 7d, 24h or 1h' });

export const firstNameOf = (fullName: string | null | undefined): string | null => {
  const first = fullName?.trim().split(/\s+/)[0];
  return first ? first : null;
};
