import { bookingReference, optionalText, text } from '@express-quote/delivery-kit';
import { z } from 'zod';
import { defineSmsTemplate } from './sms-template.ts';

/**
 * The assigned professional's reminder at 04:00 on the day of the service (seed 4.2.c). Only the winner of the
 * attribution gets it, so the intervention address is allowed (it is in its mission-assigned e-mail too).
 */
export const missionReminderSms = defineSmsTemplate({
  name: 'mission-reminder-sms',
  audience: 'professional',
  schema: z.object({
    professionalName: optionalText(100),
    bookingReference: bookingReference(),
    serviceType: text(40),
    serviceDate: text(20),
    serviceTime: text(20),
    pickupAddress: text(320),
    customerName: optionalText(100),
    customerPhone: optionalText(30),
  }),
  maxSegments: 2,
  variants: (d, ctx) => {
    const hello = d.professionalName ? `Bonjour ${d.professionalName}, ` : '';
    const contact = [d.customerName, d.customerPhone].filter(Boolean).join(', ');
    const mission = `${d.serviceType} aujourd'hui ${d.serviceTime}, ${d.pickupAddress}`;
    return [
      `${ctx.brandName} : ${hello}rappel de votre mission ${d.bookingReference} : ${mission}.${contact ? ` Client : ${contact}.` : ''} Bonne journée !`,
      `${ctx.brandName} : mission ${d.bookingReference} : ${mission}.${contact ? ` Client : ${contact}.` : ''}`,
      `Mission ${d.bookingReference} : ${mission}.`,
    ];
  },
});
