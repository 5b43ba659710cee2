import { bookingReference, firstNameOf, optionalText, text } from '@express-quote/delivery-kit';
import { z } from 'zod';
import { defineWhatsAppTemplate } from './whatsapp-template.ts';

/** Seed 4.3 on WhatsApp: the customer's confirmation, with the confirmation PDF and the invoice. */
export const bookingConfirmationWhatsApp = defineWhatsAppTemplate({
  name: 'booking-confirmation-whatsapp',
  schema: z.object({
    customerName: text(100),
    bookingReference: bookingReference(),
    serviceType: optionalText(80),
    serviceDate: text(80),
    serviceTime: text(40),
    totalAmount: text(40),
  }),
  text: (d, ctx) =>
    [
      `Bonjour ${firstNameOf(d.customerName)},`,
      '',
      `Votre réservation *${d.bookingReference}* est confirmée${d.serviceType ? ` (${d.serviceType.toLowerCase()})` : ''}.`,
      `📅 ${d.serviceDate}, ${d.serviceTime}`,
      `💶 Montant payé : ${d.totalAmount}`,
      '',
      `Merci de votre confiance. L'équipe ${ctx.brandName}`,
    ].join('\n'),
  approved: {
    // "Bonjour {{1}}, votre réservation {{2}} est confirmée pour le {{3}}, {{4}}. Montant payé : {{5}}."
    name: 'confirmation_reservation',
    bodyParameters: (d) => [
      firstNameOf(d.customerName) ?? '',
      d.bookingReference,
      d.serviceDate,
      d.serviceTime,
      d.totalAmount,
    ],
    documentHeader: true,
  },
});
