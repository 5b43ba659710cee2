import {
  type EventOf,
  type NotificationRecipient,
  type ProfessionalProposed,
  SERVICE_TYPE_LABELS_FR,
} from '@express-quote/contracts';
import { formatCents, formatLocalDateLong, formatParisDateTime, formatTimeWindow } from './french-format.ts';
import { notificationIdFor, type PlannedNotification, TEMPLATES } from './planned-notification.ts';
import { type PlanningContext, releaseAtFor } from './planning-context.ts';

/**
 * The attribution part of a professional document set's key. A professional who did not answer round 1 is proposed
 * again in round 2, with new links and a new MISSION_PROPOSAL: each round's message must wait for its own round's
 * set, never take the earlier one. The round rides in the attribution key (`<attributionId>/round-<n>`) so that the
 * key keeps its shape, in memory and in the tables' primary keys.
 */
export const attributionRoundKey = (attributionId: string, round: number): string =>
  `${attributionId}/round-${round}`;

/**
 * Seed step 4.2.b: the mission proposal to one professional. Only the restricted view travels (initials, city,
 * window, type, estimated amount: DESIGN.md security), with the MISSION_PROPOSAL attached once documents made it.
 */
export const planProfessionalProposed = (
  event: EventOf<typeof ProfessionalProposed>,
  ctx: PlanningContext,
): PlannedNotification[] => {
  const p = event.data;
  const view = p.booking;
  const recipient: NotificationRecipient = {
    kind: 'professional',
    id: p.professionalId,
    name: p.professional.contactName,
    email: p.professional.email,
    phone: p.professional.phone,
  };
  return [
    {
      notificationId: notificationIdFor(event.id, 'email', TEMPLATES.professionalAttribution, recipient),
      channel: 'email',
      priority: view.urgent ? 'HIGH' : 'NORMAL',
      template: TEMPLATES.professionalAttribution,
      recipient,
      data: {
        professionalName: p.professional.companyName,
        bookingReference: view.reference,
        serviceDate: formatLocalDateLong(view.schedule.date),
        serviceTime: formatTimeWindow(view.schedule.startTime, view.schedule.endTime),
        serviceType: SERVICE_TYPE_LABELS_FR[view.serviceType],
        customerInitials: view.customerInitials,
        pickupCity: view.pickupCity,
        estimatedAmount: formatCents(view.estimatedAmountCents),
        acceptUrl: p.acceptUrl,
        refuseUrl: p.refuseUrl,
        timeoutDate: formatParisDateTime(p.respondBy),
      },
      bookingId: view.bookingId,
      trigger: { eventId: event.id, type: event.type, correlationId: event.correlationId },
      awaitsDocuments: {
        bookingId: view.bookingId,
        audience: 'professional',
        attributionId: attributionRoundKey(p.attributionId, p.round),
        professionalId: p.professionalId,
      },
      documentLinks: [],
      releaseAt: releaseAtFor(ctx, true),
    },
  ];
};
