import {
  type AttributionCompleted,
  type BookingConfirmed,
  type DataOf,
  type EventOf,
  type NotificationRecipient,
  SERVICE_TYPE_LABELS_FR,
} from '@express-quote/contracts';
import {
  formatAddress,
  formatCents,
  formatKm,
  formatLocalDateLong,
  formatLocalDateShort,
  formatTimeWindow,
} from './french-format.ts';
import {
  notificationIdFor,
  type PlannedNotification,
  TEMPLATES,
  type TriggerRef,
} from './planned-notification.ts';
import { type PlanningContext, releaseAtFor } from './planning-context.ts';
import { type Reminder, reminderIdFor } from './reminder.ts';
import { dayOfReminderAt } from './reminder-times.ts';
import type { StaffMember } from './staff.ts';
import { eligibleStaff } from './staff-eligibility.ts';

export interface AttributionFollowUpContext extends PlanningContext {
  /** Plan the customer's "a professional is assigned" e-mail (its template must exist in email-delivery). */
  customerAssignedEmail: boolean;
}

export interface AttributionFollowUps {
  notifications: PlannedNotification[];
  reminders: Reminder[];
}

type Booking = DataOf<typeof BookingConfirmed>;

/**
 * After the first acceptance (attribution.completed): the winner gets the full intervention details
 * (`mission-assigned`: only now may a professional see the customer's name, phone and street), staff learn who got
 * the mission, the customer learns a professional is assigned, every other professional still waiting is told the
 * mission is taken (restricted data only), and the winner's day-of reminder is scheduled for 04:00 Paris time.
 * `booking` is the confirmed booking as this service recorded it (the attribution event carries only the
 * restricted view).
 */
export const planAttributionCompleted = (
  event: EventOf<typeof AttributionCompleted>,
  booking: Booking,
  directory: readonly StaffMember[],
  ctx: AttributionFollowUpContext,
): AttributionFollowUps => {
  const a = event.data;
  const view = a.booking;
  const trigger: TriggerRef = { eventId: event.id, type: event.type, correlationId: event.correlationId };
  const serviceType = SERVICE_TYPE_LABELS_FR[view.serviceType];
  const serviceDate = formatLocalDateLong(view.schedule.date);
  const serviceTime = formatTimeWindow(view.schedule.startTime, view.schedule.endTime);
  const customerName = `${booking.customer.firstName} ${booking.customer.lastName}`;
  const pickupAddress = formatAddress(booking.addresses.pickup);
  const winner: NotificationRecipient = {
    kind: 'professional',
    id: a.professional.professionalId,
    name: a.professional.contactName,
    email: a.professional.email,
    phone: a.professional.phone,
  };
  const sendNow = releaseAtFor(ctx, false);
  const email = (
    recipient: NotificationRecipient,
    template: string,
    priority: PlannedNotification['priority'],
    data: Record<string, unknown>,
  ): PlannedNotification => ({
    notificationId: notificationIdFor(event.id, 'email', template, recipient),
    channel: 'email',
    priority,
    template,
    recipient,
    data,
    bookingId: a.bookingId,
    trigger,
    awaitsDocuments: null,
    documentLinks: [],
    releaseAt: sendNow,
  });

  const notifications: PlannedNotification[] = [
    email(winner, TEMPLATES.missionAssigned, view.urgent ? 'HIGH' : 'NORMAL', {
      professionalName: a.professional.companyName,
      bookingReference: a.reference,
      serviceType,
      serviceDate,
      serviceTime,
      customerName,
      customerPhone: booking.customer.phone,
      pickupAddress,
      deliveryAddress: booking.addresses.delivery ? formatAddress(booking.addresses.delivery) : null,
      estimatedAmount: formatCents(view.estimatedAmountCents),
      missionUrl: null,
    }),
  ];

  const staffAlert = {
    subject: `Mission ${a.reference} attribuée à ${a.professional.companyName}`,
    message:
      `La mission ${a.reference} (${serviceType.toLowerCase()} le ${serviceDate}, ${serviceTime}) a été acceptée ` +
      `par ${a.professional.companyName}, qui a reçu les informations de l'intervention. Aucune action n'est ` +
      'nécessaire.',
    details: [
      { label: 'Réservation', value: a.reference },
      { label: 'Prestation', value: serviceType },
      { label: 'Date', value: serviceDate },
      { label: 'Horaire', value: serviceTime },
      { label: 'Client', value: customerName },
      { label: 'Adresse de départ', value: pickupAddress },
      { label: 'Professionnel', value: a.professional.companyName },
      { label: 'Contact', value: a.professional.contactName },
      { label: 'Téléphone', value: a.professional.phone ?? '—' },
      { label: 'E-mail', value: a.professional.email },
      { label: 'Distance', value: formatKm(a.distanceKm) },
      { label: 'Autres professionnels prévenus', value: String(a.otherProfessionals.length) },
    ],
  };
  for (const member of eligibleStaff(directory, view, 'BOOKING_CONFIRMED')) {
    const recipient: NotificationRecipient = {
      kind: 'staff',
      id: member.id,
      name: member.name,
      email: member.email,
      phone: member.phone,
    };
    notifications.push(email(recipient, TEMPLATES.staffAlert, 'NORMAL', staffAlert));
  }

  if (ctx.customerAssignedEmail) {
    const customer: NotificationRecipient = {
      kind: 'customer',
      id: booking.customer.customerId,
      name: customerName,
      email: booking.customer.email,
      phone: booking.customer.phone,
    };
    notifications.push(
      email(customer, TEMPLATES.professionalAssigned, 'NORMAL', {
        customerName,
        bookingReference: a.reference,
        serviceType,
        serviceDate,
        serviceTime,
        professionalName: a.professional.companyName,
        supportUrl: ctx.supportUrl,
      }),
    );
  }

  const told = new Set([a.professional.email.toLowerCase()]);
  for (const other of a.otherProfessionals) {
    // One message per address: the same company proposed twice, or the winner listed again, is told once.
    if (told.has(other.email.toLowerCase())) continue;
    told.add(other.email.toLowerCase());
    const recipient: NotificationRecipient = {
      kind: 'professional',
      id: other.professionalId,
      name: other.contactName,
      email: other.email,
      phone: other.phone,
    };
    notifications.push(
      email(recipient, TEMPLATES.missionTaken, 'NORMAL', {
        professionalName: other.companyName,
        bookingReference: a.reference,
        serviceType,
        serviceDate,
        pickupCity: view.pickupCity,
      }),
    );
  }

  return { notifications, reminders: planDayOfReminder(event, booking, winner, ctx.now) };
};

/** 04:00 Paris time on the service date, by SMS, when the winner has a phone and it is still ahead of us. */
const planDayOfReminder = (
  event: EventOf<typeof AttributionCompleted>,
  booking: Booking,
  winner: NotificationRecipient,
  now: Date,
): Reminder[] => {
  const a = event.data;
  const view = a.booking;
  const dueAt = dayOfReminderAt(view.schedule.date);
  const startsAt = new Date(view.schedule.startsAt);
  if (!winner.phone || dueAt.getTime() <= now.getTime() || dueAt.getTime() >= startsAt.getTime()) return [];
  return [
    {
      reminderId: reminderIdFor(a.attributionId, 'day-of', winner),
      bookingId: a.bookingId,
      attributionId: a.attributionId,
      type: 'day-of',
      recipient: winner,
      messages: [
        {
          medium: 'text',
          template: TEMPLATES.missionReminderSms,
          whatsappTemplate: TEMPLATES.missionReminderWhatsApp,
          data: {
            professionalName: a.professional.contactName,
            bookingReference: a.reference,
            serviceType: SERVICE_TYPE_LABELS_FR[view.serviceType],
            serviceDate: formatLocalDateShort(view.schedule.date),
            serviceTime: formatTimeWindow(view.schedule.startTime, view.schedule.endTime),
            pickupAddress: formatAddress(booking.addresses.pickup),
            customerName: `${booking.customer.firstName} ${booking.customer.lastName}`,
            customerPhone: booking.customer.phone,
          },
        },
      ],
      priority: 'HIGH',
      dueAt: dueAt.toISOString(),
      usefulUntil: startsAt.toISOString(),
      serviceStartsAt: startsAt.toISOString(),
      trigger: { eventId: event.id, type: event.type, correlationId: event.correlationId },
      followsPreference: false,
    },
  ];
};
