import {
  type AttributionNeedsStaff,
  type EventOf,
  type NotificationRecipient,
  SERVICE_TYPE_LABELS_FR,
} from '@express-quote/contracts';
import { formatCents, formatKm, formatLocalDateLong, formatTimeWindow } from './french-format.ts';
import { notificationIdFor, type PlannedNotification, TEMPLATES } from './planned-notification.ts';
import { type PlanningContext, releaseAtFor } from './planning-context.ts';
import type { StaffMember } from './staff.ts';
import { eligibleStaff } from './staff-eligibility.ts';

const ACTION = 'Trouvez un professionnel et attribuez-lui la mission.';

/** The French text of the alert: why nobody has the mission, and the restricted facts staff need to act. */
export const describeNeedsStaff = (event: EventOf<typeof AttributionNeedsStaff>) => {
  const d = event.data;
  const view = d.booking;
  const serviceType = SERVICE_TYPE_LABELS_FR[view.serviceType];
  const serviceDate = formatLocalDateLong(view.schedule.date);
  const serviceTime = formatTimeWindow(view.schedule.startTime, view.schedule.endTime);
  const what = `${serviceType.toLowerCase()} le ${serviceDate}, ${serviceTime}, à ${view.pickupCity}`;
  const why =
    d.reason === 'NO_ELIGIBLE_PROFESSIONAL'
      ? `Aucun professionnel éligible n'a été trouvé à moins de ${formatKm(d.radiusKm)} pour la mission ` +
        `${d.reference} (${what}).`
      : `Aucun des ${d.proposedCount} professionnels sollicités en ${d.rounds} tour${d.rounds > 1 ? 's' : ''} ` +
        `n'a accepté la mission ${d.reference} (${what}) : ${d.refusedCount} refus, les autres sans réponse.`;
  return {
    subject: `Mission ${d.reference} sans professionnel${view.urgent ? ' (urgente)' : ''}`,
    message: `${why} ${ACTION}`,
    details: [
      { label: 'Réservation', value: d.reference },
      { label: 'Prestation', value: serviceType },
      { label: 'Date', value: serviceDate },
      { label: 'Horaire', value: serviceTime },
      { label: 'Ville de départ', value: view.pickupCity },
      { label: "Ville d'arrivée", value: view.deliveryCity ?? '—' },
      { label: 'Montant estimé', value: formatCents(view.estimatedAmountCents) },
      { label: 'Urgente', value: view.urgent ? 'oui' : 'non' },
      {
        label: 'Motif',
        value:
          d.reason === 'NO_ELIGIBLE_PROFESSIONAL' ? 'aucun professionnel éligible' : 'aucune acceptation',
      },
      { label: 'Rayon de recherche', value: formatKm(d.radiusKm) },
      { label: 'Tours', value: String(d.rounds) },
      { label: 'Professionnels sollicités', value: String(d.proposedCount) },
      { label: 'Refus', value: String(d.refusedCount) },
    ],
  };
};

/**
 * attribution.needs_staff: nobody can or will take the mission. A HIGH staff alert by e-mail to the service type's
 * responsibles, operations and admins, and by SMS to those of them with a phone (someone must act before the
 * service date).
 */
export const planAttributionNeedsStaff = (
  event: EventOf<typeof AttributionNeedsStaff>,
  directory: readonly StaffMember[],
  ctx: PlanningContext,
): PlannedNotification[] => {
  const alert = describeNeedsStaff(event);
  const trigger = { eventId: event.id, type: event.type, correlationId: event.correlationId };
  const releaseAt = releaseAtFor(ctx, false);
  return eligibleStaff(directory, event.data.booking, 'BOOKING_CONFIRMED').flatMap((member) => {
    const recipient: NotificationRecipient = {
      kind: 'staff',
      id: member.id,
      name: member.name,
      email: member.email,
      phone: member.phone,
    };
    const common = {
      priority: 'HIGH' as const,
      recipient,
      bookingId: event.data.bookingId,
      trigger,
      awaitsDocuments: null,
      documentLinks: [],
      releaseAt,
    };
    const planned: PlannedNotification[] = [
      {
        ...common,
        notificationId: notificationIdFor(event.id, 'email', TEMPLATES.staffAlert, recipient),
        channel: 'email',
        template: TEMPLATES.staffAlert,
        data: alert,
      },
    ];
    if (member.phone) {
      planned.push({
        ...common,
        notificationId: notificationIdFor(event.id, 'sms', TEMPLATES.staffAlertSms, recipient),
        channel: 'sms',
        template: TEMPLATES.staffAlertSms,
        data: { subject: alert.subject, message: alert.message },
      });
    }
    return planned;
  });
};
