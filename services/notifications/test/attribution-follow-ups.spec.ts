import { deterministicId } from '@express-quote/contracts';
import { describe, expect, it } from 'vitest';
import {
  type AttributionFollowUpContext,
  planAttributionCompleted,
} from '../src/domain/plan-attribution-completed.ts';
import { describeNeedsStaff, planAttributionNeedsStaff } from '../src/domain/plan-attribution-needs-staff.ts';
import {
  attributionCompleted,
  attributionNeedsStaff,
  bookingConfirmed,
  DIRECTORY,
  member,
  professional,
} from './fixtures.ts';

const ctx: AttributionFollowUpContext = {
  now: new Date('2026-05-02T08:00:01.000Z'),
  documentsWaitMs: 60_000,
  supportUrl: 'https://express-quote.test/support',
  customerAssignedEmail: true,
};
const confirmed = bookingConfirmed();
const booking = confirmed.data;

describe('planAttributionCompleted', () => {
  const winner = professional(1);
  const [other2, other3] = [professional(2), professional(3)];
  const event = attributionCompleted(booking, confirmed, { winner, others: [other2, other3] });
  const { notifications, reminders } = planAttributionCompleted(event, booking, DIRECTORY, ctx);
  const byTemplate = (t: string) => notifications.filter((n) => n.template === t);

  it('tells the winner, the staff of the service type, the customer and every other professional, at once', () => {
    expect(notifications.map((n) => [n.template, n.recipient.kind, n.recipient.email, n.priority])).toEqual([
      ['mission-assigned', 'professional', winner.email, 'NORMAL'],
      ['staff-alert', 'staff', 'moving-lead@express-quote.test', 'NORMAL'],
      ['staff-alert', 'staff', 'ops@express-quote.test', 'NORMAL'],
      ['staff-alert', 'staff', 'admin@express-quote.test', 'NORMAL'],
      ['professional-assigned', 'customer', 'jean.dupont@example.fr', 'NORMAL'],
      ['mission-taken', 'professional', other2.email, 'NORMAL'],
      ['mission-taken', 'professional', other3.email, 'NORMAL'],
    ]);
    for (const n of notifications) {
      expect(n).toMatchObject({
        channel: 'email',
        bookingId: booking.bookingId,
        awaitsDocuments: null,
        releaseAt: ctx.now.toISOString(),
        trigger: { eventId: event.id, type: 'attribution.completed', correlationId: confirmed.correlationId },
      });
      expect(n.notificationId).toBe(
        deterministicId(event.id, n.recipient.email!.toLowerCase(), 'email', n.template),
      );
    }
  });

  it('gives the winner the full intervention details (mission-assigned)', () => {
    expect(byTemplate('mission-assigned')[0]?.data).toEqual({
      professionalName: winner.companyName,
      bookingReference: 'EQ-2026-000123',
      serviceType: 'Déménagement',
      serviceDate: 'lundi 15 juin 2026',
      serviceTime: '09h00 – 12h00',
      customerName: 'Jean Dupont',
      customerPhone: '+33612345678',
      pickupAddress: '12 rue de la Paix, 75002 Paris',
      deliveryAddress: '3 avenue Foch, 69006 Lyon',
      estimatedAmount: '987,65\u00a0€',
      missionUrl: null,
    });
  });

  it('gives the other professionals the restricted view only (mission-taken)', () => {
    const taken = byTemplate('mission-taken');
    expect(taken[0]?.data).toEqual({
      professionalName: other2.companyName,
      bookingReference: 'EQ-2026-000123',
      serviceType: 'Déménagement',
      serviceDate: 'lundi 15 juin 2026',
      pickupCity: 'Paris',
    });
    expect(JSON.stringify(taken.map((t) => t.data))).not.toMatch(/Dupont|jean\.dupont|\+336|rue de la Paix/);
  });

  it('tells staff who got the mission and how to reach them', () => {
    const data = byTemplate('staff-alert')[0]?.data as { subject: string; details: Array<{ label: string }> };
    expect(data.subject).toBe(`Mission EQ-2026-000123 attribuée à ${winner.companyName}`);
    expect(data.details).toContainEqual({ label: 'Téléphone', value: winner.phone });
    expect(data.details).toContainEqual({ label: 'Distance', value: '12,5 km' });
    expect(data.details).toContainEqual({ label: 'Autres professionnels prévenus', value: '2' });
  });

  it('tells the customer which company comes (professional-assigned)', () => {
    expect(byTemplate('professional-assigned')[0]?.data).toEqual({
      customerName: 'Jean Dupont',
      bookingReference: 'EQ-2026-000123',
      serviceType: 'Déménagement',
      serviceDate: 'lundi 15 juin 2026',
      serviceTime: '09h00 – 12h00',
      professionalName: winner.companyName,
      supportUrl: ctx.supportUrl,
    });
  });

  it('leaves the customer e-mail out while its template is not enabled', () => {
    const plan = planAttributionCompleted(event, booking, DIRECTORY, {
      ...ctx,
      customerAssignedEmail: false,
    });
    expect(plan.notifications.map((n) => n.template)).not.toContain('professional-assigned');
    expect(plan.notifications).toHaveLength(notifications.length - 1);
  });

  it("schedules the winner's day-of reminder at 04:00 Paris time, by SMS, with the intervention address", () => {
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toMatchObject({
      reminderId: deterministicId(
        event.data.attributionId,
        'day-of',
        `professional:${winner.professionalId}`,
      ),
      bookingId: booking.bookingId,
      attributionId: event.data.attributionId,
      type: 'day-of',
      priority: 'HIGH',
      dueAt: '2026-06-15T02:00:00.000Z',
      usefulUntil: '2026-06-15T07:00:00.000Z',
      followsPreference: false,
      recipient: { kind: 'professional', id: winner.professionalId, phone: winner.phone },
      messages: [
        {
          medium: 'text',
          template: 'mission-reminder-sms',
          data: {
            professionalName: winner.contactName,
            bookingReference: 'EQ-2026-000123',
            serviceType: 'Déménagement',
            serviceDate: '15/06/2026',
            serviceTime: '09h00 – 12h00',
            pickupAddress: '12 rue de la Paix, 75002 Paris',
            customerName: 'Jean Dupont',
            customerPhone: '+33612345678',
          },
        },
      ],
    });
  });

  it('schedules no day-of reminder when the winner has no phone, or 04:00 on the day has passed', () => {
    const noPhone = attributionCompleted(booking, confirmed, { winner: professional(4, { phone: null }) });
    expect(planAttributionCompleted(noPhone, booking, DIRECTORY, ctx).reminders).toEqual([]);
    const late = { ...ctx, now: new Date('2026-06-15T02:00:00.000Z') };
    expect(planAttributionCompleted(event, booking, DIRECTORY, late).reminders).toEqual([]);
  });

  it('is HIGH for the winner of an urgent booking, and tells an address listed twice once', () => {
    const urgent = bookingConfirmed({ urgent: true });
    const shared = professional(5, { email: 'bureau@groupe.test' });
    const again = { ...professional(6), email: 'BUREAU@groupe.test' };
    const e = attributionCompleted(urgent.data, urgent, { winner, others: [shared, again] });
    const plan = planAttributionCompleted(e, urgent.data, DIRECTORY, ctx);
    expect(plan.notifications.find((n) => n.template === 'mission-assigned')?.priority).toBe('HIGH');
    expect(plan.notifications.filter((n) => n.template === 'mission-taken')).toHaveLength(1);
  });
});

describe('planAttributionNeedsStaff', () => {
  const directory = [
    ...DIRECTORY.filter((m) => m.id !== 'ops'),
    member({ id: 'ops', role: 'OPERATIONS_MANAGER', phone: '+33611111111' }),
  ];

  it('alerts the service type responsibles, operations and admins by e-mail, HIGH, and by SMS those with a phone', () => {
    const event = attributionNeedsStaff(booking, confirmed);
    const plan = planAttributionNeedsStaff(event, directory, ctx);
    expect(plan.map((p) => [p.channel, p.template, p.recipient.id, p.priority])).toEqual([
      ['email', 'staff-alert', 'moving-lead', 'HIGH'],
      ['email', 'staff-alert', 'ops', 'HIGH'],
      ['sms', 'staff-alert-sms', 'ops', 'HIGH'],
      ['email', 'staff-alert', 'admin', 'HIGH'],
    ]);
    const sms = plan.find((p) => p.channel === 'sms');
    expect(sms?.notificationId).toBe(deterministicId(event.id, '+33611111111', 'sms', 'staff-alert-sms'));
    expect(sms?.data).toEqual({
      subject: 'Mission EQ-2026-000123 sans professionnel',
      message: describeNeedsStaff(event).message,
    });
  });

  it.each([
    {
      reason: 'NO_ACCEPTANCE' as const,
      message:
        "Aucun des 7 professionnels sollicités en 2 tours n'a accepté la mission EQ-2026-000123 (déménagement le " +
        'lundi 15 juin 2026, 09h00 – 12h00, à Paris) : 3 refus, les autres sans réponse. Trouvez un professionnel ' +
        'et attribuez-lui la mission.',
    },
    {
      reason: 'NO_ELIGIBLE_PROFESSIONAL' as const,
      message:
        "Aucun professionnel éligible n'a été trouvé à moins de 225 km pour la mission EQ-2026-000123 " +
        '(déménagement le lundi 15 juin 2026, 09h00 – 12h00, à Paris). Trouvez un professionnel et attribuez-lui ' +
        'la mission.',
    },
  ])('explains $reason in French', ({ reason, message }) => {
    const alert = describeNeedsStaff(attributionNeedsStaff(booking, confirmed, reason));
    expect(alert.message).toBe(message);
    expect(alert.details).toContainEqual({ label: 'Montant estimé', value: '987,65\u00a0€' });
  });

  it('marks an urgent mission in the subject', () => {
    const urgent = bookingConfirmed({ urgent: true });
    expect(describeNeedsStaff(attributionNeedsStaff(urgent.data, urgent)).subject).toBe(
      'Mission EQ-2026-000123 sans professionnel (urgente)',
    );
  });
});
