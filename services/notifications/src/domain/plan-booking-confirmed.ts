import {
  type BookingConfirmed,
  type EventOf,
  type NotificationRecipient,
  type Priority,
  SERVICE_TYPE_LABELS_FR,
} from '@express-quote/contracts';
import { type ChannelPreference, DEFAULT_CHANNEL_PREFERENCE, textChannelsFor } from './channel-preference.ts';
import {
  formatAddress,
  formatCents,
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
import type { StaffMember } from './staff.ts';
import { eligibleStaff } from './staff-eligibility.ts';

type BookingConfirmedEvent = EventOf<typeof BookingConfirmed>;

/**
 * The customer's confirmation (e-mail, SMS, WhatsApp) rides the CRITICAL lane, which nothing else uses: at 10
 * bookings/s the staff copies of the same bookings are ~8 HIGH e-mails per booking and must not delay it.
 */
const CUSTOMER_CONFIRMATION_PRIORITY: Priority = 'CRITICAL';

/**
 * Seed steps 4.1 and 4.3 for one confirmed booking: the customer e-mail (with the customer documents), the
 * customer text when there is a phone (SMS at once, WhatsApp with the customer documents, or both, by the phone's
 * channel preference), and one e-mail per eligible staff member (with the internal documents).
 */
export const planBookingConfirmed = (
  event: BookingConfirmedEvent,
  directory: readonly StaffMember[],
  ctx: PlanningContext,
  customerPreference: ChannelPreference = DEFAULT_CHANNEL_PREFERENCE,
): PlannedNotification[] => {
  const b = event.data;
  const trigger: TriggerRef = { eventId: event.id, type: event.type, correlationId: event.correlationId };
  const customerName = `${b.customer.firstName} ${b.customer.lastName}`;
  const serviceType = SERVICE_TYPE_LABELS_FR[b.serviceType];
  const serviceTime = formatTimeWindow(b.schedule.startTime, b.schedule.endTime);
  const totalAmount = formatCents(b.price.totalCents);
  const customer: NotificationRecipient = {
    kind: 'customer',
    id: b.customer.customerId,
    name: customerName,
    email: b.customer.email,
    phone: b.customer.phone,
  };

  const planned: PlannedNotification[] = [
    {
      notificationId: notificationIdFor(event.id, 'email', TEMPLATES.bookingConfirmation, customer),
      channel: 'email',
      priority: CUSTOMER_CONFIRMATION_PRIORITY,
      template: TEMPLATES.bookingConfirmation,
      recipient: customer,
      data: {
        customerName,
        bookingReference: b.reference,
        serviceDate: formatLocalDateLong(b.schedule.date),
        serviceTime,
        serviceType,
        totalAmount,
        supportUrl: ctx.supportUrl,
      },
      bookingId: b.bookingId,
      trigger,
      awaitsDocuments: {
        bookingId: b.bookingId,
        audience: 'customer',
        attributionId: null,
        professionalId: null,
      },
      documentLinks: [{ field: 'viewBookingUrl', kind: 'BOOKING_CONFIRMATION', fallbackUrl: ctx.supportUrl }],
      releaseAt: releaseAtFor(ctx, true),
    },
  ];

  if (b.customer.phone) {
    const channels = textChannelsFor(customerPreference);
    if (channels.includes('sms')) {
      planned.push({
        notificationId: notificationIdFor(event.id, 'sms', TEMPLATES.bookingConfirmationSms, customer),
        channel: 'sms',
        priority: CUSTOMER_CONFIRMATION_PRIORITY,
        template: TEMPLATES.bookingConfirmationSms,
        recipient: customer,
        data: {
          customerName,
          bookingReference: b.reference,
          serviceDate: formatLocalDateShort(b.schedule.date),
          serviceTime,
          totalAmount,
        },
        bookingId: b.bookingId,
        trigger,
        awaitsDocuments: null,
        documentLinks: [],
        releaseAt: releaseAtFor(ctx, false),
      });
    }
    if (channels.includes('whatsapp')) {
      // WhatsApp carries the PDFs (the confirmation first: outside the 24-hour window it rides in the approved
      // template's header), so it waits for the customer set like the e-mail.
      planned.push({
        notificationId: notificationIdFor(
          event.id,
          'whatsapp',
          TEMPLATES.bookingConfirmationWhatsApp,
          customer,
        ),
        channel: 'whatsapp',
        priority: CUSTOMER_CONFIRMATION_PRIORITY,
        template: TEMPLATES.bookingConfirmationWhatsApp,
        recipient: customer,
        data: {
          customerName,
          bookingReference: b.reference,
          serviceType,
          serviceDate: formatLocalDateLong(b.schedule.date),
          serviceTime,
          totalAmount,
        },
        bookingId: b.bookingId,
        trigger,
        awaitsDocuments: {
          bookingId: b.bookingId,
          audience: 'customer',
          attributionId: null,
          professionalId: null,
        },
        documentLinks: [],
        releaseAt: releaseAtFor(ctx, true),
      });
    }
  }

  const staffData = {
    bookingReference: b.reference,
    serviceType,
    serviceDate: formatLocalDateLong(b.schedule.date),
    serviceTime,
    customerName,
    customerEmail: b.customer.email,
    customerPhone: b.customer.phone,
    pickupAddress: formatAddress(b.addresses.pickup),
    deliveryAddress: b.addresses.delivery ? formatAddress(b.addresses.delivery) : null,
    totalAmount,
    trigger: b.trigger,
  };
  const staffPriority = b.trigger === 'PAYMENT_COMPLETED' ? 'HIGH' : 'NORMAL';
  for (const member of eligibleStaff(directory, b, b.trigger)) {
    const recipient: NotificationRecipient = {
      kind: 'staff',
      id: member.id,
      name: member.name,
      email: member.email,
      phone: member.phone,
    };
    planned.push({
      notificationId: notificationIdFor(event.id, 'email', TEMPLATES.staffBookingDocuments, recipient),
      channel: 'email',
      priority: staffPriority,
      template: TEMPLATES.staffBookingDocuments,
      recipient,
      data: staffData,
      bookingId: b.bookingId,
      trigger,
      awaitsDocuments: {
        bookingId: b.bookingId,
        audience: 'internal',
        attributionId: null,
        professionalId: null,
      },
      documentLinks: [],
      releaseAt: releaseAtFor(ctx, true),
    });
  }
  return planned;
};
