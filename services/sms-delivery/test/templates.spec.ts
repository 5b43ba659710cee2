import type { NotificationRecipient } from '@express-quote/contracts';
import { TemplateDataError, UnknownTemplateError } from '@express-quote/delivery-kit';
import { describe, expect, it } from 'vitest';
import { createSmsRenderer } from '../src/templates/renderer.ts';

const renderer = createSmsRenderer({ brandName: 'Express Quote' });
const customer: NotificationRecipient = {
  kind: 'customer',
  id: null,
  name: 'Élodie Martin',
  email: null,
  phone: '+33612345678',
};
const ctx = { recipient: customer, brandName: 'Express Quote' };

// As the planner formats them: Intl's narrow no-break spaces and the en dash of the time window.
const confirmation = (customerName: string, overrides: Record<string, unknown> = {}) => ({
  customerName,
  bookingReference: 'EQ-2026-000123',
  serviceDate: '15/06/2026',
  serviceTime: '09h00 \u2013 12h00',
  totalAmount: '1\u202f234,56\u00a0€',
  ...overrides,
});

describe('booking-confirmation-sms', () => {
  it.each([
    'Élodie Martin',
    'Françoise Lefèvre',
    'Zoë Dupont',
    'Jean-Baptiste Gauthier-Villemin',
    'Marie-Françoise de La Tour d\u2019Auvergne',
  ])('fits one GSM-7 segment for %s', (name) => {
    const sms = renderer.render('booking-confirmation-sms', confirmation(name), ctx);
    expect(sms).toMatchObject({ encoding: 'GSM-7', segments: 1, overBudget: false });
    expect(sms.length).toBeLessThanOrEqual(160);
    expect(sms.text).toContain('EQ-2026-000123');
    expect(sms.text).toContain('15/06/2026, 09h00 - 12h00');
    expect(sms.text).toContain('1 234,56 €');
  });

  it('greets by first name, accents kept when GSM-7 has them', () => {
    const sms = renderer.render('booking-confirmation-sms', confirmation('Élodie Martin'), ctx);
    expect(sms.text).toBe(
      'Express Quote : Bonjour Élodie, votre réservation EQ-2026-000123 est confirmée pour le 15/06/2026, 09h00 - 12h00. Montant payé : 1 234,56 €. Merci !',
    );
  });

  it('drops the greeting rather than take a second segment for a very long first name', () => {
    const sms = renderer.render(
      'booking-confirmation-sms',
      confirmation('Anne-Charlotte-Marie-Bérengère Dupont'),
      ctx,
    );
    expect(sms.segments).toBe(1);
    expect(sms.text).not.toContain('Bonjour');
    expect(sms.text).toContain('EQ-2026-000123');
  });

  it('still fits one segment at the longest amounts and time windows the schema allows', () => {
    const sms = renderer.render(
      'booking-confirmation-sms',
      confirmation('X'.repeat(100), {
        serviceTime: '09h00 \u2013 12h00 (+/-)',
        totalAmount: '123\u202f456\u202f789,99\u00a0€',
      }),
      ctx,
    );
    expect(sms.segments).toBe(1);
    expect(sms.overBudget).toBe(false);
  });

  it('names every missing or invalid field', () => {
    expect(() =>
      renderer.render('booking-confirmation-sms', { customerName: 'Zoë', bookingReference: 'nope' }, ctx),
    ).toThrow(TemplateDataError);
    try {
      renderer.render('booking-confirmation-sms', { customerName: 'Zoë', bookingReference: 'nope' }, ctx);
    } catch (error) {
      expect((error as TemplateDataError).problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^bookingReference/),
          'missing field serviceDate',
          'missing field serviceTime',
          'missing field totalAmount',
        ]),
      );
    }
  });
});

describe('other SMS templates', () => {
  const reminder = (reminderType: string) => ({
    reminderType,
    recipientName: 'Zoë Martin',
    bookingReference: 'EQ-2026-000123',
    serviceType: 'Déménagement',
    serviceDate: '15/06/2026',
    serviceTime: '09h00 \u2013 12h00',
    pickupAddress: '12 rue de la Paix, 75002 Paris',
  });

  it.each([
    ['7d', 'a lieu dans une semaine, le 15/06/2026'],
    ['24h', 'a lieu demain, le 15/06/2026'],
    ['1h', 'commence dans une heure (09h00 - 12h00)'],
  ])('booking-reminder-sms %s', (type, expected) => {
    const sms = renderer.render('booking-reminder-sms', reminder(type), ctx);
    expect(sms.text).toContain(expected);
    expect(sms.text).toContain('Bonjour Zoe');
    expect(sms.encoding).toBe('GSM-7');
    expect(sms.segments).toBeLessThanOrEqual(2);
    // The address matters the day before and the hour before, not a week ahead.
    expect(sms.text.includes('12 rue de la Paix')).toBe(type !== '7d');
  });

  it('accepts the longest address the booking contract allows (street 200, postcode, city 100)', () => {
    const address = `${'r'.repeat(200)}, 75002 ${'P'.repeat(100)}`;
    const sms = renderer.render('booking-reminder-sms', { ...reminder('24h'), pickupAddress: address }, ctx);
    expect(sms.segments).toBeLessThanOrEqual(2);
    expect(sms.text).not.toContain('rrrr');
    expect(() =>
      renderer.render(
        'mission-reminder-sms',
        {
          bookingReference: 'EQ-2026-000123',
          serviceType: 'Ménage',
          serviceDate: '15/06/2026',
          serviceTime: '09h00',
          pickupAddress: address,
        },
        ctx,
      ),
    ).not.toThrow();
  });

  it('mission-reminder-sms gives the professional the day, the window and the address', () => {
    const sms = renderer.render(
      'mission-reminder-sms',
      {
        professionalName: 'Déménagements Lefèvre',
        bookingReference: 'EQ-2026-000123',
        serviceType: 'Déménagement',
        serviceDate: '15/06/2026',
        serviceTime: '09h00 \u2013 12h00',
        pickupAddress: '12 rue de la Paix, 75002 Paris',
        customerName: 'Élodie Martin',
        customerPhone: '+33612345678',
      },
      { ...ctx, recipient: { ...customer, kind: 'professional' } },
    );
    expect(sms.text).toContain("Déménagement aujourd'hui 09h00 - 12h00, 12 rue de la Paix, 75002 Paris");
    expect(sms.segments).toBeLessThanOrEqual(2);
  });

  it('staff-alert-sms cuts a long message at three segments', () => {
    const sms = renderer.render(
      'staff-alert-sms',
      { subject: 'Paiement à vérifier', message: 'Le montant reçu ne correspond pas au devis. '.repeat(40) },
      { ...ctx, recipient: { ...customer, kind: 'staff' } },
    );
    expect(sms.text.startsWith('[Alerte Express Quote] Paiement à vérifier : Le montant recu')).toBe(true);
    expect(sms.segments).toBe(3);
    expect(sms.text.endsWith('...')).toBe(true);
  });

  it('an unknown template is refused with the list of known ones', () => {
    expect(() => renderer.render('booking-confirmation', {}, ctx)).toThrow(UnknownTemplateError);
    expect(() => renderer.render('booking-confirmation', {}, ctx)).toThrow(
      /booking-confirmation-sms, booking-reminder-sms/,
    );
  });
});
