import type { BookingConfirmed, DataOf, RestrictedBookingView } from '@express-quote/contracts';

const FIRST_LETTER = /\p{L}/u;
const SINGLE_UPPERCASE = /^\p{Lu}$/u;

/**
 * Initial of a name part: its first letter, composed (a decomposed "É" from some keyboards becomes one character)
 * and upper-cased the French way. A letter without an upper-case form (or one that expands, like "ß") becomes
 * "X" rather than leaking more of the name.
 */
export const initialOf = (name: string): string => {
  const letter = FIRST_LETTER.exec(name.normalize('NFC'))?.[0];
  if (!letter) return 'X';
  const upper = letter.toLocaleUpperCase('fr-FR');
  return SINGLE_UPPERCASE.test(upper) ? upper : 'X';
};

/** "Élodie" + "Martin-Durand" → "É. M.": all a professional learns of the customer's name before accepting. */
export const customerInitials = (firstName: string, lastName: string): string =>
  `${initialOf(firstName)}. ${initialOf(lastName)}.`;

/**
 * The amount a professional is told: what the customer pays for the service itself (TTC), without the
 * insurance, which is not theirs.
 */
export const estimatedAmountCents = (booking: DataOf<typeof BookingConfirmed>): number =>
  Math.max(0, booking.price.totalCents - booking.insurance.amountCents);

/**
 * The restricted view of a confirmed booking (DESIGN.md, security): initials, cities, schedule, service type,
 * estimated amount. Built field by field from an allow-list, so a field added to BookingConfirmed later never
 * reaches a professional by accident. Never the surname, e-mail, phone or street.
 */
export const restrictedBookingView = (booking: DataOf<typeof BookingConfirmed>): RestrictedBookingView => ({
  bookingId: booking.bookingId,
  reference: booking.reference,
  serviceType: booking.serviceType,
  schedule: { ...booking.schedule },
  customerInitials: customerInitials(booking.customer.firstName, booking.customer.lastName),
  pickupCity: booking.addresses.pickup.city,
  deliveryCity: booking.addresses.delivery?.city ?? null,
  estimatedAmountCents: estimatedAmountCents(booking),
  currency: booking.currency,
  urgent: booking.urgent,
});
