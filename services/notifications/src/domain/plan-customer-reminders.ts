import {
  type BookingConfirmed,
  type EventOf,
  type NotificationRecipient,
  SERVICE_TYPE_LABELS_FR,
} from '@express-quote/contracts';
import {
  formatAddress,
  formatLocalDateLong,
  formatLocalDateShort,
  formatTimeWindow,
} from './french-format.ts';
import { TEMPLATES } from './planned-notification.ts';
import { type Reminder, type ReminderMessage, reminderIdFor } from './reminder.ts';
import {
  CUSTOMER_REMINDER_TYPES,
  type CustomerReminderType,
  customerReminderDueAt,
} from './reminder-times.ts';

export interface ReminderPlanningContext {
  now: Date;
  supportUrl: string;
}

/** Seed 5.4: 7 days before by SMS, 24 hours before by SMS and e-mail, 1 hour before by SMS. */
const MEDIA: Record<CustomerReminderType, ReadonlyArray<'email' | 'text'>> = {
  '7d': ['text'],
  '24h': ['text', 'email'],
  '1h': ['text'],
};

/** Each reminder stays true until the next one is due; the last one until the service starts. */
const NEXT: Record<CustomerReminderType, CustomerReminderType | null> = {
  '7d': '24h',
  '24h': '1h',
  '1h': null,
};

/**
 * The customer's reminders of a confirmed booking: only those still ahead at confirmation (a booking made two days
 * before the service gets its 24 h and 1 h reminders, not the 7-day one), and only on the channels the customer
 * can be reached on (no phone: the 24 h e-mail alone).
 */
export const planCustomerReminders = (
  event: EventOf<typeof BookingConfirmed>,
  ctx: ReminderPlanningContext,
): Reminder[] => {
  const b = event.data;
  const startsAt = new Date(b.schedule.startsAt);
  const customerName = `${b.customer.firstName} ${b.customer.lastName}`;
  const recipient: NotificationRecipient = {
    kind: 'customer',
    id: b.customer.customerId,
    name: customerName,
    email: b.customer.email,
    phone: b.customer.phone,
  };
  const common = {
    recipientName: customerName,
    bookingReference: b.reference,
    serviceType: SERVICE_TYPE_LABELS_FR[b.serviceType],
    serviceTime: formatTimeWindow(b.schedule.startTime, b.schedule.endTime),
    pickupAddress: formatAddress(b.addresses.pickup),
  };
  const messageFor = (medium: 'email' | 'text', type: CustomerReminderType): ReminderMessage | null => {
    if (medium === 'text') {
      if (!b.customer.phone) return null;
      return {
        medium,
        template: TEMPLATES.bookingReminderSms,
        whatsappTemplate: TEMPLATES.bookingReminderWhatsApp,
        data: { ...common, reminderType: type, serviceDate: formatLocalDateShort(b.schedule.date) },
      };
    }
    return {
      medium,
      template: TEMPLATES.bookingReminder,
      data: {
        ...common,
        reminderType: type,
        serviceDate: formatLocalDateLong(b.schedule.date),
        supportUrl: ctx.supportUrl,
      },
    };
  };

  return CUSTOMER_REMINDER_TYPES.flatMap((type): Reminder[] => {
    const dueAt = customerReminderDueAt(startsAt, type);
    const next = NEXT[type];
    const usefulUntil = next ? customerReminderDueAt(startsAt, next) : startsAt;
    if (dueAt.getTime() <= ctx.now.getTime() || dueAt.getTime() >= usefulUntil.getTime()) return [];
    const messages = MEDIA[type].flatMap((medium) => messageFor(medium, type) ?? []);
    if (messages.length === 0) return [];
    return [
      {
        reminderId: reminderIdFor(b.bookingId, type, recipient),
        bookingId: b.bookingId,
        attributionId: null,
        type,
        recipient,
        messages,
        // The last one must leave at once: an hour is all there is.
        priority: type === '1h' ? 'HIGH' : 'NORMAL',
        dueAt: dueAt.toISOString(),
        usefulUntil: usefulUntil.toISOString(),
        serviceStartsAt: startsAt.toISOString(),
        trigger: { eventId: event.id, type: event.type, correlationId: event.correlationId },
        followsPreference: true,
      },
    ];
  });
};
