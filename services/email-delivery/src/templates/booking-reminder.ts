import { bookingReference, optionalText, optionalWebUrl, text } from '@express-quote/delivery-kit';
import { z } from 'zod';
import { defineTemplate } from './email-template.ts';

// Seed 5.4: reminders 7 days, 24 hours and 1 hour before the service (e-mail for 24h; the others may use it).
const LEADS_FR = {
  '7d': { subject: 'dans une semaine', lead: 'a lieu dans une semaine' },
  '24h': { subject: 'demain', lead: 'a lieu demain' },
  '1h': { subject: 'dans une heure', lead: 'commence dans une heure' },
} as const;

export const bookingReminder = defineTemplate({
  name: 'booking-reminder',
  audience: 'customer-or-professional',
  schema: z.object({
    recipientName: optionalText(),
    bookingReference: bookingReference(),
    serviceType: text(80),
    serviceDate: text(80),
    serviceTime: text(40),
    reminderType: z.enum(['7d', '24h', '1h'], { error: 'must be 7d, 24h or 1h' }),
    pickupAddress: optionalText(300),
    supportUrl: optionalWebUrl(),
  }),
  subject: (d) =>
    `Rappel : votre ${d.serviceType.toLowerCase()} ${LEADS_FR[d.reminderType].subject} (${d.bookingReference})`,
  preheader: (d) => `${d.serviceDate}, ${d.serviceTime}`,
  view: (d, ctx) => {
    const name = d.recipientName ?? ctx.recipient.name;
    return {
      greeting: name ? `Bonjour ${name},` : 'Bonjour,',
      lead: LEADS_FR[d.reminderType].lead,
    };
  },
  mjmlBody: `
        <mj-text font-size="22px" font-weight="700" line-height="30px" padding-top="10px">Rappel de votre réservation</mj-text>
        <mj-text>{{greeting}}</mj-text>
        <mj-text>Nous vous rappelons que la prestation <strong>{{serviceType}}</strong> de la réservation
          <strong>{{bookingReference}}</strong> {{lead}}.</mj-text>
        <mj-table>
          <tr class="row"><td class="label">Date</td><td class="value">{{serviceDate}}</td></tr>
          <tr class="row"><td class="label">Horaire</td><td class="value">{{serviceTime}}</td></tr>
          {{#pickupAddress}}<tr class="row"><td class="label">Adresse</td><td class="value">{{pickupAddress}}</td></tr>{{/pickupAddress}}
          <tr><td class="label">Référence</td><td class="value">{{bookingReference}}</td></tr>
        </mj-table>
        <mj-raw>{{#supportUrl}}</mj-raw>
        <mj-text>Un empêchement ? <a href="{{supportUrl}}">Contactez-nous</a> au plus vite.</mj-text>
        <mj-raw>{{/supportUrl}}</mj-raw>`,
  textBody: `
Rappel de votre réservation

{{greeting}}

Nous vous rappelons que la prestation {{serviceType}} de la réservation {{bookingReference}} {{lead}}.

- Date : {{serviceDate}}
- Horaire : {{serviceTime}}
{{#pickupAddress}}
- Adresse : {{pickupAddress}}
{{/pickupAddress}}
- Référence : {{bookingReference}}
{{#supportUrl}}

Un empêchement ? Contactez-nous au plus vite : {{supportUrl}}
{{/supportUrl}}`,
});
