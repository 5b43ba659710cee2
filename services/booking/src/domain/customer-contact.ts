import { type CustomerContact, E164 } from '@express-quote/contracts';
import { z } from 'zod';

const EmailAddress = z.email();

/**
 * A phone number as people type it (`06 12 34 56 78`, `+33 (0)6…`, `0033…`) in E.164, or null when it cannot be
 * one. French national numbers (10 digits starting with 0) get +33.
 */
export const normalisePhone = (raw: string): string | null => {
  let digits = raw
    .trim()
    .replace(/\(0\)/g, '')
    .replace(/[\s.\-()/]/g, '');
  if (digits.startsWith('00')) digits = `+${digits.slice(2)}`;
  if (/^0[1-9]\d{8}$/.test(digits)) digits = `+33${digits.slice(1)}`;
  return E164.safeParse(digits).success ? digits : null;
};

/** Stripe's customer fields as the payments service forwards them: any may be missing. */
export interface CheckoutCustomer {
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly email: string | null;
  readonly phone: string | null;
}

export type ContactResult =
  | { readonly ok: true; readonly contact: CustomerContact; readonly phoneDropped: boolean }
  | { readonly ok: false; readonly detail: string };

const clean = (value: string | null | undefined): string | null => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
};

/**
 * The customer of a paid checkout: what Stripe collected first, the quote form's contact as fallback. An
 * unusable phone is dropped (the booking must not fail for it); a missing e-mail or name cannot be guessed.
 */
export const contactFromCheckout = (
  checkout: CheckoutCustomer,
  quoteContact: CustomerContact | null,
): ContactResult => {
  const email = clean(checkout.email) ?? quoteContact?.email ?? null;
  if (!email || !EmailAddress.safeParse(email).success) {
    return { ok: false, detail: email ? 'checkout e-mail is not a valid address' : 'no e-mail at checkout' };
  }
  let firstName = clean(checkout.firstName);
  let lastName = clean(checkout.lastName);
  // Stripe's customer_details has a single "name": the payments service may put it all in firstName.
  if (firstName && !lastName && firstName.includes(' ')) {
    const space = firstName.indexOf(' ');
    lastName = firstName.slice(space + 1).trim();
    firstName = firstName.slice(0, space);
  }
  firstName ??= quoteContact?.firstName ?? null;
  lastName ??= quoteContact?.lastName ?? null;
  if (!firstName || !lastName) return { ok: false, detail: 'no first and last name at checkout' };
  const rawPhone = clean(checkout.phone);
  const checkoutPhone = rawPhone ? normalisePhone(rawPhone) : null;
  const phone = checkoutPhone ?? quoteContact?.phone ?? null;
  return {
    ok: true,
    contact: {
      firstName: firstName.slice(0, 100),
      lastName: lastName.slice(0, 100),
      email: email.toLowerCase(),
      phone,
    },
    phoneDropped: rawPhone !== null && checkoutPhone === null,
  };
};
