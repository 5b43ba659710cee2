import { bookingReference, firstNameOf, optionalText, reminderType, text } from '@express-quote/delivery-kit';
import { z } from 'zod';
import { defineSmsTemplate } from './sms-template.ts';

// Seed 5.4: 7 days before (SMS only), 24 hours before (SMS + e-mail), 1 hour before (SMS only).
const WHEN_FR = {
  '7d': (date: string, time: string) => `a lieu dans une semaine, le ${date}, ${time}`,
  '24h': (date: string, time: string) => `a lieu demain, le ${date}, ${time}`,
  '1h': (_date: string, time: string) => `commence dans une heure (${time})`,
} as const;

export const bookingReminderSms = defineSmsTemplate({
  name: 'booking-reminder-sms',
  audience: 'customer',
  schema: z.object({
    reminderType: reminderType(),
    recipientName: optionalText(100),
    bookingReference: bookingReference(),
    serviceType: text(40),
    serviceDate: text(20),
    serviceTime: text(20),
    pickupAddress: optionalText(320),
  }),
  maxSegments: 2,
  variants: (d, ctx) => {
    const first = firstNameOf(d.recipientName ?? ctx.recipient.name);
    const hello = first ? `Bonjour ${first}, ` : '';
    const what = `votre ${d.serviceType.toLowerCase()} (réservation ${d.bookingReference})`;
    const when = WHEN_FR[d.reminderType](d.serviceDate, d.serviceTime);
    const where = d.pickupAddress && d.reminderType !== '7d' ? ` Adresse : ${d.pickupAddress}.` : '';
    return [
      `${ctx.brandName} : ${hello}rappel : ${what} ${when}.${where}`,
      `${ctx.brandName} : rappel : ${what} ${when}.`,
      `Rappel : réservation ${d.bookingReference} ${when}.`,
    ];
  },
});
