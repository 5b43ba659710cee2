import { bookingReference, text, webUrl } from '@express-quote/delivery-kit';
import { z } from 'zod';
import { defineTemplate } from './email-template.ts';

/** Seed 4.3: the customer's confirmation, with the customer document set attached. */
export const bookingConfirmation = defineTemplate({
  name: 'booking-confirmation',
  audience: 'customer',
  schema: z.object({
    customerName: text(),
    bookingReference: bookingReference(),
    serviceDate: text(80),
    serviceTime: text(40),
    serviceType: text(80),
    totalAmount: text(40),
    viewBookingUrl: webUrl(),
    supportUrl: webUrl(),
  }),
  subject: (d) => `Votre réservation ${d.bookingReference} est confirmée`,
  preheader: (d) => `${d.serviceType} le ${d.serviceDate}, ${d.serviceTime}`,
  mjmlBody: `
        <mj-text font-size="22px" font-weight="700" line-height="30px" padding-top="10px">Votre réservation est confirmée</mj-text>
        <mj-text>Bonjour {{customerName}},</mj-text>
        <mj-text>Merci pour votre confiance : nous avons bien reçu votre paiement et votre réservation
          <strong>{{bookingReference}}</strong> est confirmée.</mj-text>
        <mj-table>
          <tr class="row"><td class="label">Référence</td><td class="value">{{bookingReference}}</td></tr>
          <tr class="row"><td class="label">Prestation</td><td class="value">{{serviceType}}</td></tr>
          <tr class="row"><td class="label">Date</td><td class="value">{{serviceDate}}</td></tr>
          <tr class="row"><td class="label">Horaire</td><td class="value">{{serviceTime}}</td></tr>
          <tr><td class="label">Montant total TTC</td><td class="value">{{totalAmount}}</td></tr>
        </mj-table>
        <mj-raw>{{#hasAttachments}}</mj-raw>
        <mj-text>Votre confirmation de réservation et votre facture sont jointes à ce message.</mj-text>
        <mj-raw>{{/hasAttachments}}</mj-raw>
        <mj-button href="{{viewBookingUrl}}">Voir ma réservation</mj-button>
        <mj-text>Une question ou un changement ? Notre équipe est là pour vous aider :
          <a href="{{supportUrl}}">contacter le service client</a>.</mj-text>
        <mj-text>À très bientôt,<br />L'équipe {{brandName}}</mj-text>`,
  textBody: `
Votre réservation est confirmée

Bonjour {{customerName}},

Merci pour votre confiance : nous avons bien reçu votre paiement et votre réservation {{bookingReference}} est confirmée.

- Référence : {{bookingReference}}
- Prestation : {{serviceType}}
- Date : {{serviceDate}}
- Horaire : {{serviceTime}}
- Montant total TTC : {{totalAmount}}
{{#hasAttachments}}

Votre confirmation de réservation et votre facture sont jointes à ce message.
{{/hasAttachments}}

Voir ma réservation : {{viewBookingUrl}}

Une question ou un changement ? Contactez le service client : {{supportUrl}}

À très bientôt,
L'équipe {{brandName}}`,
});
