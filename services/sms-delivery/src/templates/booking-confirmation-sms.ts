import { bookingReference, firstNameOf, text } from '@express-quote/delivery-kit';
import { z } from 'zod';
import { defineSmsTemplate } from './sms-template.ts';

/** Seed 4.3: the customer's confirmation, one GSM-7 segment ("message optimisé 160 caractères"). */
export const bookingConfirmationSms = defineSmsTemplate({
  name: 'booking-confirmation-sms',
  audience: 'customer',
  schema: z.object({
    customerName: text(100),
    bookingReference: bookingReference(),
    serviceDate: text(20),
    serviceTime: text(20),
    totalAmount: text(20),
  }),
  maxSegments: 1,
  variants: (d, ctx) => {
    const first = firstNameOf(d.customerName);
    const when = `le ${d.serviceDate}, ${d.serviceTime}`;
    return [
      `${ctx.brandName} : Bonjour ${first}, votre réservation ${d.bookingReference} est confirmée pour ${when}. Montant payé : ${d.totalAmount}. Merci !`,
      `${ctx.brandName} : votre réservation ${d.bookingReference} est confirmée pour ${when}. Montant payé : ${d.totalAmount}.`,
      `Réservation ${d.bookingReference} confirmée : ${d.serviceDate}, ${d.serviceTime}, ${d.totalAmount} payés.`,
    ];
  },
});
