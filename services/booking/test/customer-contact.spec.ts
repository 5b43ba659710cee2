import { describe, expect, it } from 'vitest';
import { contactFromCheckout, normalisePhone } from '../src/domain/customer-contact.ts';

describe('normalisePhone', () => {
  it.each([
    ['+33612345678', '+33612345678'],
    ['06 12 34 56 78', '+33612345678'],
    ['06.12.34.56.78', '+33612345678'],
    ['+33 (0)6 12 34 56 78', '+33612345678'],
    ['0033612345678', '+33612345678'],
    ['+44 20 7946 0958', '+442079460958'],
    ['12', null],
    ['not a phone', null],
  ])('%s → %s', (raw, expected) => {
    expect(normalisePhone(raw)).toBe(expected);
  });
});

describe('contactFromCheckout', () => {
  const quoteContact = {
    firstName: 'Marie',
    lastName: 'Curie',
    email: 'marie@example.fr',
    phone: '+33700000001',
  };

  it('takes what Stripe collected, e-mail in lowercase', () => {
    expect(
      contactFromCheckout(
        { firstName: 'Jean', lastName: 'Dupont', email: 'Jean.Dupont@Example.FR', phone: '0612345678' },
        quoteContact,
      ),
    ).toEqual({
      ok: true,
      contact: {
        firstName: 'Jean',
        lastName: 'Dupont',
        email: 'jean.dupont@example.fr',
        phone: '+33612345678',
      },
      phoneDropped: false,
    });
  });

  it('falls back to the contact left on the quote', () => {
    expect(
      contactFromCheckout({ firstName: null, lastName: null, email: null, phone: null }, quoteContact),
    ).toEqual({
      ok: true,
      contact: quoteContact,
      phoneDropped: false,
    });
  });

  it("splits Stripe's single name field", () => {
    const result = contactFromCheckout(
      { firstName: 'Jean Dupont', lastName: null, email: 'j@example.fr', phone: null },
      null,
    );
    expect(result).toMatchObject({
      ok: true,
      contact: { firstName: 'Jean', lastName: 'Dupont', phone: null },
    });
  });

  it('drops an unusable phone instead of failing the booking', () => {
    const result = contactFromCheckout(
      { firstName: 'A', lastName: 'B', email: 'a@example.fr', phone: 'n/a' },
      null,
    );
    expect(result).toMatchObject({ ok: true, contact: { phone: null }, phoneDropped: true });
  });

  it('cannot invent an e-mail or a name', () => {
    expect(contactFromCheckout({ firstName: 'A', lastName: 'B', email: null, phone: null }, null)).toEqual({
      ok: false,
      detail: 'no e-mail at checkout',
    });
    expect(
      contactFromCheckout({ firstName: 'A', lastName: 'B', email: 'nope', phone: null }, null),
    ).toMatchObject({
      ok: false,
    });
    expect(
      contactFromCheckout({ firstName: null, lastName: null, email: 'a@example.fr', phone: null }, null),
    ).toEqual({
      ok: false,
      detail: 'no first and last name at checkout',
    });
  });
});
