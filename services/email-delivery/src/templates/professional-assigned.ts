import { bookingReference, text, webUrl } from '@express-quote/delivery-kit';
import { z } from 'zod';
import { defineTemplate } from './email-template.ts';

/**
 * Seed 5: the customer learns which company comes once a professional accepted the mission. Only the company
 * name: the professional's own contact details stay with support, who the customer reaches through supportUrl.
 */
export const professionalAssigned = defineTemplate({
  name: 'professional-assigned',
  audience: 'customer',
  schema: z.object({
    customerName: text(),
    bookingReference: bookingReference(),
    serviceType: text(80),
    serviceDate: text(80),
    serviceTime: text(40),
    professionalName: text(),
    supportUrl: webUrl(),
  }),
  subject: (d) => `Un professionnel est attribué à votre réservation ${d.bookingReference}`,
  preheader: (d) => `${d.professionalName} assurera votre ${d.serviceType.toLowerCase()} le ${d.serviceDate}`,
  mjmlBody: `
        <mj-text font-size="22px" font-weight="700" line-height="30px" padding-top="10px">Votre professionnel est trouvé</mj-text>
        <mj-text>Bonjour {{customerName}},</mj-text>
        <mj-text>Bonne nouvelle : <strong>{{professionalName}}</strong> a accepté votre réservation
          <strong>{{bookingReference}}</strong> et assurera la prestation.</mj-text>
        <mj-table>
          <tr class="row"><td class="label">Professionnel</td><td class="value">{{professionalName}}</td></tr>
          <tr class="row"><td class="label">Prestation</td><td class="value">{{serviceType}}</td></tr>
          <tr class="row"><td class="label">Date</td><td class="value">{{serviceDate}}</td></tr>
          <tr><td class="label">Horaire</td><td class="value">{{serviceTime}}</td></tr>
        </mj-table>
        <mj-text>Vous n'avez rien à faire : le professionnel se présentera à l'heure prévue. Nous vous enverrons
          un rappel avant l'intervention.</mj-text>
        <mj-button href="{{supportUrl}}">Contacter le service client</mj-button>
        <mj-text>À très bientôt,<br />L'équipe {{brandName}}</mj-text>`,
  textBody: `
Votre professionnel est trouvé

Bonjour {{customerName}},

Bonne nouvelle : {{professionalName}} a accepté votre réservation {{bookingReference}} et assurera la prestation.

- Professionnel : {{professionalName}}
- Prestation : {{serviceType}}
- Date : {{serviceDate}}
- Horaire : {{serviceTime}}

Vous n'avez rien à faire : le professionnel se présentera à l'heure prévue. Nous vous enverrons un rappel avant l'intervention.

Une question ou un changement ? Contactez le service client : {{supportUrl}}

À très bientôt,
L'équipe {{brandName}}`,
});
