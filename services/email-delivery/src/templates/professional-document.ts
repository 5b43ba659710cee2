import { bookingReference, optionalText, optionalWebUrl, text } from '@express-quote/delivery-kit';
import { z } from 'zod';
import { defineTemplate } from './email-template.ts';

// Trigger codes come from the booking context; an unknown one is shown as sent.
const TRIGGER_LABELS_FR: Readonly<Record<string, string>> = {
  PAYMENT_COMPLETED: 'paiement reçu',
  BOOKING_CONFIRMED: 'réservation confirmée',
  BOOKING_UPDATED: 'réservation modifiée',
  BOOKING_CANCELLED: 'réservation annulée',
};

/** Seed 4.1: internal staff, full booking data, internal document set attached. */
export const professionalDocument = defineTemplate({
  name: 'professional-document',
  audience: 'staff',
  schema: z.object({
    bookingReference: bookingReference(),
    serviceType: text(80),
    serviceDate: text(80),
    serviceTime: text(40),
    customerName: text(),
    customerEmail: z.email({ error: 'must be an e-mail address' }),
    customerPhone: optionalText(40),
    pickupAddress: text(300),
    deliveryAddress: optionalText(300),
    totalAmount: text(40),
    trigger: text(60),
    backofficeUrl: optionalWebUrl(),
  }),
  subject: (d) => `Nouvelle réservation ${d.bookingReference} – ${d.serviceType} le ${d.serviceDate}`,
  preheader: (d) => `${d.customerName}, ${d.totalAmount}, ${d.serviceTime}`,
  view: (d, ctx) => ({
    greeting: ctx.recipient.name ? `Bonjour ${ctx.recipient.name},` : 'Bonjour,',
    triggerLabel: TRIGGER_LABELS_FR[d.trigger] ?? d.trigger,
    customerPhoneOrDash: d.customerPhone ?? 'non renseigné',
  }),
  mjmlBody: `
        <mj-text font-size="22px" font-weight="700" line-height="30px" padding-top="10px">Nouvelle réservation {{bookingReference}}</mj-text>
        <mj-text>{{greeting}}</mj-text>
        <mj-text>Une réservation vient d'être confirmée ({{triggerLabel}}). Voici toutes ses informations.
          {{#hasAttachments}}Les documents complets (confirmation, facture, fiche client) sont joints.{{/hasAttachments}}</mj-text>
        <mj-table>
          <tr class="row"><td class="label">Référence</td><td class="value">{{bookingReference}}</td></tr>
          <tr class="row"><td class="label">Prestation</td><td class="value">{{serviceType}}</td></tr>
          <tr class="row"><td class="label">Date</td><td class="value">{{serviceDate}}</td></tr>
          <tr class="row"><td class="label">Horaire</td><td class="value">{{serviceTime}}</td></tr>
          <tr class="row"><td class="label">Client</td><td class="value">{{customerName}}</td></tr>
          <tr class="row"><td class="label">E-mail</td><td class="value">{{customerEmail}}</td></tr>
          <tr class="row"><td class="label">Téléphone</td><td class="value">{{customerPhoneOrDash}}</td></tr>
          <tr class="row"><td class="label">Adresse de départ</td><td class="value">{{pickupAddress}}</td></tr>
          {{#deliveryAddress}}<tr class="row"><td class="label">Adresse d'arrivée</td><td class="value">{{deliveryAddress}}</td></tr>{{/deliveryAddress}}
          <tr><td class="label">Montant total TTC</td><td class="value">{{totalAmount}}</td></tr>
        </mj-table>
        <mj-raw>{{#backofficeUrl}}</mj-raw>
        <mj-button href="{{backofficeUrl}}">Ouvrir la réservation</mj-button>
        <mj-raw>{{/backofficeUrl}}</mj-raw>`,
  textBody: `
Nouvelle réservation {{bookingReference}}

{{greeting}}

Une réservation vient d'être confirmée ({{triggerLabel}}). Voici toutes ses informations.{{#hasAttachments}} Les documents complets (confirmation, facture, fiche client) sont joints.{{/hasAttachments}}

- Référence : {{bookingReference}}
- Prestation : {{serviceType}}
- Date : {{serviceDate}}
- Horaire : {{serviceTime}}
- Client : {{customerName}}
- E-mail : {{customerEmail}}
- Téléphone : {{customerPhoneOrDash}}
- Adresse de départ : {{pickupAddress}}
{{#deliveryAddress}}
- Adresse d'arrivée : {{deliveryAddress}}
{{/deliveryAddress}}
- Montant total TTC : {{totalAmount}}
{{#backofficeUrl}}

Ouvrir la réservation : {{backofficeUrl}}
{{/backofficeUrl}}`,
});
