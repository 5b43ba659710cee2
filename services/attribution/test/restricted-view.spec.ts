import { RestrictedBookingView } from '@express-quote/contracts';
import { describe, expect, it } from 'vitest';
import { customerInitials, restrictedBookingView } from '../src/domain/restricted-view.ts';
import { bookingConfirmedData } from './fixtures.ts';

describe('customerInitials', () => {
  it.each([
    ['Jean', 'Dupont', 'J. D.'],
    ['Élodie', 'Martin-Durand', 'É. M.'],
    ['E\u0301lodie', 'Martin', 'É. M.'], // decomposed accent, as some keyboards type it
    ['élodie', 'ébrard', 'É. É.'],
    ['Jean-Pierre', "d'Artagnan", 'J. D.'],
    ['  Zoé ', ' Œuvray', 'Z. Œ.'],
    ['Ñuria', 'Çelik', 'Ñ. Ç.'],
    ['Marie', 'ß-Weg', 'M. X.'], // no single upper-case form: nothing more of the name leaks
    ['123', 'Durand', 'X. D.'],
  ])('%s %s → %s', (first, last, expected) => {
    expect(customerInitials(first, last)).toBe(expected);
  });

  it('always satisfies the contract pattern', () => {
    for (const [first, last] of [
      ['Élodie', 'Martin-Durand'],
      ['ß', '42'],
      ['李', '王'],
    ]) {
      expect(customerInitials(first!, last!)).toMatch(/^\p{Lu}\. \p{Lu}\.$/u);
    }
  });
});

describe('restrictedBookingView', () => {
  const booking = bookingConfirmedData();
  const view = restrictedBookingView(booking);

  it('keeps initials, cities, schedule, service type and the amount without insurance', () => {
    expect(RestrictedBookingView.parse(view)).toEqual(view);
    expect(view).toMatchObject({
      customerInitials: 'É. M.',
      pickupCity: 'Paris',
      deliveryCity: 'Lyon',
      serviceType: 'MOVING',
      estimatedAmountCents: 60_000,
      schedule: booking.schedule,
    });
  });

  it('never carries the surname, e-mail, phone or streets', () => {
    const text = JSON.stringify(view);
    for (const secret of [
      'Martin-Durand',
      'Élodie',
      'elodie.martin@example.fr',
      '+33612345678',
      'Faubourg du Temple',
      'Bellecour',
      'cs_test_123',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('has no delivery city when there is no delivery address', () => {
    const noDelivery = restrictedBookingView(
      bookingConfirmedData({ addresses: { ...booking.addresses, delivery: null } }),
    );
    expect(noDelivery.deliveryCity).toBeNull();
  });
});
