import { bookingReference, optionalText, text } from '@express-quote/delivery-kit';
import { z } from 'zod';
import { defineWhatsAppTemplate } from './whatsapp-template.ts';

/** The assigned professional's day-of reminder (04:00 Europe/Paris): only the winner of the attribution gets it. */
export const missionReminderWhatsApp = defineWhatsAppTemplate({
  name: 'mission-reminder-whatsapp',
  schema: z.object({
    professionalName: optionalText(100),
    bookingReference: bookingReference(),
    serviceType: text(80),
    serviceDate: text(80),
    serviceTime: text(40),
    pickupAddress: text(320),
    customerName: optionalText(100),
    customerPhone: optionalText(30),
  }),
  text: (d, ctx) =>
    [
      d.professionalName ? `Bonjour ${d.professionalName},` : 'Bonjour,',
      '',
      `Rappel de votre mission *${d.bookingReference}* aujourd'hui : ${d.serviceType}.`,
      `🕘 ${d.serviceDate}, ${d.serviceTime}`,
      `📍 ${d.pickupAddress}`,
      ...(d.customerName || d.customerPhone
        ? [`👤 ${[d.customerName, d.customerPhone].filter(Boolean).join(', ')}`]
        : []),
      '',
      `Bonne journée ! L'équipe ${ctx.brandName}`,
    ].join('\n'),
  approved: {
    // "Bonjour {{1}}, rappel de votre mission {{2}} aujourd'hui : {{3}}, {{4}}, {{5}}."
    name: 'rappel_mission',
    bodyParameters: (d) => [
      d.professionalName ?? 'partenaire',
      d.bookingReference,
      d.serviceType,
      d.serviceTime,
      d.pickupAddress,
    ],
    documentHeader: false,
  },
});
