import { deterministicId } from '@express-quote/contracts';
import { describe, expect, it } from 'vitest';
import { planBookingConfirmed } from '../src/domain/plan-booking-confirmed.ts';
import { planProfessionalProposed } from '../src/domain/plan-professional-proposed.ts';
import { describeStaffAlert, planStaffAlert } from '../src/domain/plan-staff-alert.ts';
import type { PlanningContext } from '../src/domain/planning-context.ts';
import {
  bookingConfirmed,
  bookingPaymentNeedsAttention,
  DIRECTORY,
  paymentAmountMismatch,
  paymentNeedsAttention,
  professionalProposed,
} from './fixtures.ts';

const ctx: PlanningContext = {
  now: new Date('2026-05-01T10:00:01.000Z'),
  documentsWaitMs: 60_000,
  supportUrl: 'https://express-quote.test/support',
};

describe('planBookingConfirmed', () => {
  const event = bookingConfirmed();
  const plan = planBookingConfirmed(event, DIRECTORY, ctx);
  const b = event.data;

  it('plans the customer e-mail, the customer SMS and one e-mail per eligible staff member', () => {
    expect(plan.map((p) => [p.channel, p.priority, p.template, p.recipient.kind, p.recipient.email])).toEqual(
      [
        ['email', 'CRITICAL', 'booking-confirmation', 'customer', 'jean.dupont@example.fr'],
        ['sms', 'CRITICAL', 'booking-confirmation-sms', 'customer', 'jean.dupont@example.fr'],
        ['email', 'HIGH', 'professional-document', 'staff', 'moving-lead@express-quote.test'],
        ['email', 'HIGH', 'professional-document', 'staff', 'ops@express-quote.test'],
        ['email', 'HIGH', 'professional-document', 'staff', 'admin@express-quote.test'],
        ['email', 'HIGH', 'professional-document', 'staff', 'compta@express-quote.test'],
      ],
    );
  });

  it('derives every id from (trigger event id, recipient key, channel, template)', () => {
    const [email, sms, lead] = plan;
    expect(email?.notificationId).toBe(
      deterministicId(event.id, 'jean.dupont@example.fr', 'email', 'booking-confirmation'),
    );
    expect(sms?.notificationId).toBe(
      deterministicId(event.id, '+33612345678', 'sms', 'booking-confirmation-sms'),
    );
    expect(lead?.notificationId).toBe(
      deterministicId(event.id, 'moving-lead@express-quote.test', 'email', 'professional-document'),
    );
    expect(new Set(plan.map((p) => p.notificationId)).size).toBe(plan.length);
    // Same event planned again (a redelivery, a replay, another instance, later): the same ids.
    const again = planBookingConfirmed(event, DIRECTORY, { ...ctx, now: new Date('2027-01-01T00:00:00Z') });
    expect(again.map((p) => p.notificationId)).toEqual(plan.map((p) => p.notificationId));
  });

  it('makes the customer e-mail wait for the customer set and the staff e-mails for the internal set', () => {
    expect(plan[0]?.awaitsDocuments).toEqual({
      bookingId: b.bookingId,
      audience: 'customer',
      attributionId: null,
      professionalId: null,
    });
    expect(plan[0]?.documentLinks).toEqual([
      { field: 'viewBookingUrl', kind: 'BOOKING_CONFIRMATION', fallbackUrl: ctx.supportUrl },
    ]);
    expect(plan[0]?.releaseAt).toBe('2026-05-01T10:01:01.000Z');
    expect(plan[1]?.awaitsDocuments).toBeNull();
    expect(plan[1]?.releaseAt).toBe(ctx.now.toISOString());
    for (const staff of plan.slice(2)) expect(staff.awaitsDocuments?.audience).toBe('internal');
  });

  it('fills the customer templates with French, Paris-time values', () => {
    expect(plan[0]?.data).toEqual({
      customerName: 'Jean Dupont',
      bookingReference: 'EQ-2026-000123',
      serviceDate: 'lundi 15 juin 2026',
      serviceTime: '09h00 – 12h00',
      serviceType: 'Déménagement',
      totalAmount: '1\u202f234,56\u00a0€',
      supportUrl: ctx.supportUrl,
    });
    expect(plan[1]?.data).toEqual({
      customerName: 'Jean Dupont',
      bookingReference: 'EQ-2026-000123',
      serviceDate: '15/06/2026',
      serviceTime: '09h00 – 12h00',
      totalAmount: '1\u202f234,56\u00a0€',
    });
  });

  it('gives staff the full booking data', () => {
    expect(plan[2]?.data).toEqual({
      bookingReference: 'EQ-2026-000123',
      serviceType: 'Déménagement',
      serviceDate: 'lundi 15 juin 2026',
      serviceTime: '09h00 – 12h00',
      customerName: 'Jean Dupont',
      customerEmail: 'jean.dupont@example.fr',
      customerPhone: '+33612345678',
      pickupAddress: '12 rue de la Paix, 75002 Paris',
      deliveryAddress: '3 avenue Foch, 69006 Lyon',
      totalAmount: '1\u202f234,56\u00a0€',
      trigger: 'PAYMENT_COMPLETED',
    });
  });

  it('sends no SMS without a phone, and no staff e-mail with an empty directory', () => {
    const noPhone = bookingConfirmed({
      customer: { ...b.customer, phone: null },
    });
    const result = planBookingConfirmed(noPhone, [], ctx);
    expect(result.map((p) => p.template)).toEqual(['booking-confirmation']);
  });

  it('carries the trigger (id, type, correlation) on every message', () => {
    for (const p of plan) {
      expect(p.trigger).toEqual({
        eventId: event.id,
        type: 'booking.confirmed',
        correlationId: event.correlationId,
      });
      expect(p.bookingId).toBe(b.bookingId);
    }
  });
});

describe('planBookingConfirmed: the customer text by channel preference', () => {
  const event = bookingConfirmed();
  const texts = (preference?: 'SMS' | 'WHATSAPP' | 'BOTH') =>
    planBookingConfirmed(event, DIRECTORY, ctx, preference).filter((p) => p.recipient.kind === 'customer');

  it.each([
    { preference: undefined, channels: ['email', 'sms'] },
    { preference: 'SMS' as const, channels: ['email', 'sms'] },
    { preference: 'WHATSAPP' as const, channels: ['email', 'whatsapp'] },
    { preference: 'BOTH' as const, channels: ['email', 'sms', 'whatsapp'] },
  ])('$preference → $channels', ({ preference, channels }) => {
    expect(texts(preference).map((p) => p.channel)).toEqual(channels);
  });

  it('the SMS goes at once; WhatsApp waits for the customer documents and carries them', () => {
    const [, sms, whatsapp] = texts('BOTH');
    expect(sms).toMatchObject({
      template: 'booking-confirmation-sms',
      priority: 'CRITICAL',
      awaitsDocuments: null,
      releaseAt: ctx.now.toISOString(),
    });
    expect(sms?.notificationId).toBe(
      deterministicId(event.id, '+33612345678', 'sms', 'booking-confirmation-sms'),
    );
    expect(whatsapp).toMatchObject({
      template: 'booking-confirmation-whatsapp',
      priority: 'CRITICAL',
      awaitsDocuments: {
        bookingId: event.data.bookingId,
        audience: 'customer',
        attributionId: null,
        professionalId: null,
      },
      releaseAt: '2026-05-01T10:01:01.000Z',
      data: {
        customerName: 'Jean Dupont',
        bookingReference: 'EQ-2026-000123',
        serviceType: 'Déménagement',
        serviceDate: 'lundi 15 juin 2026',
        serviceTime: '09h00 – 12h00',
        totalAmount: '1\u202f234,56\u00a0€',
      },
    });
    expect(whatsapp?.notificationId).toBe(
      deterministicId(event.id, '+33612345678', 'whatsapp', 'booking-confirmation-whatsapp'),
    );
  });

  it('sends no text at all without a phone, whatever the preference', () => {
    const noPhone = bookingConfirmed({ customer: { ...event.data.customer, phone: null } });
    const planned = planBookingConfirmed(noPhone, DIRECTORY, ctx, 'BOTH').filter(
      (p) => p.recipient.kind === 'customer',
    );
    expect(planned.map((p) => p.channel)).toEqual(['email']);
  });
});

describe('planProfessionalProposed', () => {
  it.each([
    { urgent: false, priority: 'NORMAL' },
    { urgent: true, priority: 'HIGH' },
  ])('urgent=$urgent → priority $priority', ({ urgent, priority }) => {
    const [planned] = planProfessionalProposed(professionalProposed({ urgent }), ctx);
    expect(planned?.priority).toBe(priority);
  });

  it('sends only the restricted view, with links and the deadline, waiting for the MISSION_PROPOSAL', () => {
    const event = professionalProposed();
    const plan = planProfessionalProposed(event, ctx);
    expect(plan).toHaveLength(1);
    const [p] = plan;
    expect(p?.template).toBe('external-professional-attribution');
    expect(p?.notificationId).toBe(
      deterministicId(
        event.id,
        'contact@demenageurs-rhone.test',
        'email',
        'external-professional-attribution',
      ),
    );
    expect(p?.recipient).toEqual({
      kind: 'professional',
      id: event.data.professionalId,
      name: 'Paul Martin',
      email: 'contact@demenageurs-rhone.test',
      phone: '+33478000000',
    });
    expect(p?.data).toEqual({
      professionalName: 'Déménageurs du Rhône',
      bookingReference: 'EQ-2026-000123',
      serviceDate: 'lundi 15 juin 2026',
      serviceTime: '09h00 – 12h00',
      serviceType: 'Déménagement',
      customerInitials: 'J. D.',
      pickupCity: 'Paris',
      estimatedAmount: '987,65\u00a0€',
      acceptUrl: event.data.acceptUrl,
      refuseUrl: event.data.refuseUrl,
      timeoutDate: 'vendredi 1 mai 2026 à 16:30',
    });
    expect(p?.awaitsDocuments).toEqual({
      bookingId: event.data.booking.bookingId,
      audience: 'professional',
      attributionId: `${event.data.attributionId}/round-1`,
      professionalId: event.data.professionalId,
    });
  });
});

describe('planStaffAlert', () => {
  it.each([
    { name: 'payment.needs_attention', event: paymentNeedsAttention() },
    { name: 'booking.payment_needs_attention', event: bookingPaymentNeedsAttention() },
    { name: 'booking.payment_amount_mismatch', event: paymentAmountMismatch() },
  ])('$name → one HIGH staff-alert per operations manager, admin and accountant', ({ event }) => {
    const plan = planStaffAlert(event, DIRECTORY, ctx);
    expect(plan.map((p) => [p.recipient.id, p.template, p.priority, p.channel])).toEqual([
      ['ops', 'staff-alert', 'HIGH', 'email'],
      ['admin', 'staff-alert', 'HIGH', 'email'],
      ['compta', 'staff-alert', 'HIGH', 'email'],
    ]);
    for (const p of plan) {
      expect(p.awaitsDocuments).toBeNull();
      expect(Object.keys(p.data).sort()).toEqual(['details', 'message', 'subject']);
    }
  });

  it('describes an amount mismatch in French with both amounts and the gap', () => {
    const event = paymentAmountMismatch();
    const alert = describeStaffAlert(event);
    expect(alert.subject).toBe('Écart de montant sur la réservation EQ-2026-000124');
    expect(alert.bookingId).toBe(event.data.bookingId);
    expect(alert.details).toContainEqual({ label: 'Montant payé', value: '100,00\u00a0€' });
    expect(alert.details).toContainEqual({ label: 'Montant attendu', value: '120,00\u00a0€' });
    expect(alert.details).toContainEqual({ label: 'Écart', value: '-20,00\u00a0€' });
  });

  it('names the reason of a payment needing attention and never loses an unknown reason code', () => {
    const known = describeStaffAlert(paymentNeedsAttention());
    expect(known.subject).toBe('Paiement à vérifier : identifiant de devis absent du paiement');
    const event = bookingPaymentNeedsAttention();
    const unknown = describeStaffAlert({
      ...event,
      data: { ...event.data, reason: 'SOMETHING_NEW' as 'UNKNOWN_QUOTE' },
    });
    expect(unknown.subject).toContain('SOMETHING_NEW');
  });
});
