import { bookingReference, firstNameOf, optionalText, reminderType, text } from '@express-quote/delivery-kit';
import { z } from 'zod';
import { defineWhatsAppTemplate } from './whatsapp-template.ts';

const WHEN_FR = { '7d': 'dans une semaine', '24h': 'demain', '1h': 'dans une heure' } as const;

export const bookingReminderWhatsApp = defineWhatsAppTemplate({
  name: 'booking-reminder-whatsapp',
  schema: z.object({
    reminderType: reminderType(),
    recipientName: optionalText(100),
    bookingReference: bookingReference(),
    serviceType: text(80),
    serviceDate: text(80),
    serviceTime: text(40),
    pickupAddress: optionalText(320),
  }),
  text: (d, ctx) => {
    const first = firstNameOf(d.recipientName ?? ctx.recipient.name);
    return [
      first ? `Bonjour ${first},` : 'Bonjour,',
      '',
      `Rappel : votre ${d.serviceType.toLowerCase()} (réservation *${d.bookingReference}*) a lieu ${WHEN_FR[d.reminderType]}.`,
      `📅 ${d.serviceDate}, ${d.serviceTime}`,
      ...(d.pickupAddress ? [`📍 ${d.pickupAddress}`] : []),
      '',
      `L'équipe ${ctx.brandName}`,
    ].join('\n');
  },
  approved: {
    // "Bonjour {{1}}, rappel : votre {{2}} (réservation {{3}}) a lieu {{4}}, le {{5}}, {{6}}."
    name: 'rappel_reservation',
    bodyParameters: (d, ctx) => [
      firstNameOf(d.recipientName ?? ctx.recipient.name) ?? 'client',
      d.serviceType.toLowerCase(),
      d.bookingReference,
      WHEN_FR[d.reminderType],
      d.serviceDate,
      d.serviceTime,
    ],
    documentHeader: false,
  },
});
