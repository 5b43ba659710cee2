import { bookingReference, optionalText, optionalWebUrl, text } from '@express-quote/delivery-kit';
import { z } from 'zod';
import { defineTemplate } from './email-template.ts';

/** The professional whose acceptance won: now, and only now, the full intervention details. */
export const missionAssigned = defineTemplate({
  name: 'mission-assigned',
  audience: 'professional',
  schema: z.object({
    professionalName: text(),
    bookingReference: bookingReference(),
    serviceType: text(80),
    serviceDate: text(80),
    serviceTime: text(40),
    customerName: text(),
    customerPhone: optionalText(40),
    pickupAddress: text(300),
    deliveryAddress: optionalText(300),
    estimatedAmount: text(40),
    missionUrl: optionalWebUrl(),
  }),
  subject: (d) => `Mission ${d.bookingReference} confirmée : ${d.serviceType} le ${d.serviceDate}`,
  preheader: (d) => `${d.serviceDate}, ${d.serviceTime} – ${d.pickupAddress}`,
  view: (d) => ({ customerPhoneOrDash: d.customerPhone ?? 'non communiqué' }),
  mjmlBody: `
        <mj-text font-size="22px" font-weight="700" line-height="30px" padding-top="10px">La mission est à vous</mj-text>
        <mj-text>Bonjour {{professionalName}},</mj-text>
        <mj-text>Vous avez accepté la mission <strong>{{bookingReference}}</strong> en premier : elle vous est attribuée.
          Voici les informations nécessaires à l'intervention.</mj-text>
        <mj-table>
          <tr class="row"><td class="label">Prestation</td><td class="value">{{serviceType}}</td></tr>
          <tr class="row"><td class="label">Date</td><td class="value">{{serviceDate}}</td></tr>
          <tr class="row"><td class="label">Horaire</td><td class="value">{{serviceTime}}</td></tr>
          <tr class="row"><td class="label">Client</td><td class="value">{{customerName}}</td></tr>
          <tr class="row"><td class="label">Téléphone</td><td class="value">{{customerPhoneOrDash}}</td></tr>
          <tr class="row"><td class="label">Adresse de départ</td><td class="value">{{pickupAddress}}</td></tr>
          {{#deliveryAddress}}<tr class="row"><td class="label">Adresse d'arrivée</td><td class="value">{{deliveryAddress}}</td></tr>{{/deliveryAddress}}
          <tr><td class="label">Montant estimé</td><td class="value">{{estimatedAmount}}</td></tr>
        </mj-table>
        <mj-raw>{{#missionUrl}}</mj-raw>
        <mj-button href="{{missionUrl}}">Voir la mission</mj-button>
        <mj-raw>{{/missionUrl}}</mj-raw>
        <mj-text>Merci pour votre réactivité et bonne intervention !</mj-text>`,
  textBody: `
La mission est à vous

Bonjour {{professionalName}},

Vous avez accepté la mission {{bookingReference}} en premier : elle vous est attribuée. Voici les informations nécessaires à l'intervention.

- Prestation : {{serviceType}}
- Date : {{serviceDate}}
- Horaire : {{serviceTime}}
- Client : {{customerName}}
- Téléphone : {{customerPhoneOrDash}}
- Adresse de départ : {{pickupAddress}}
{{#deliveryAddress}}
- Adresse d'arrivée : {{deliveryAddress}}
{{/deliveryAddress}}
- Montant estimé : {{estimatedAmount}}
{{#missionUrl}}

Voir la mission : {{missionUrl}}
{{/missionUrl}}

Merci pour votre réactivité et bonne intervention !`,
});
