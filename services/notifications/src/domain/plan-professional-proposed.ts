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
        attributionId: p.attributionId,
        professionalId: p.professionalId,
      },
      documentLinks: [],
      releaseAt: releaseAtFor(ctx, true),
    },
  ];
};
