import { bookingReference, text, webUrl } from '@express-quote/delivery-kit';
import { z } from 'zod';
import { defineTemplate } from './email-template.ts';

/**
 * Seed 4.2.b: a mission proposal to a professional. Restricted data only (DESIGN.md, security): the schema is
 * strict, so a command carrying anything else (a surname, an e-mail, a street) is refused, not silently sent.
 */
export const externalProfessionalAttribution = defineTemplate({
  name: 'external-professional-attribution',
  audience: 'professional',
  schema: z.strictObject(
    {
      professionalName: text(),
      bookingReference: bookingReference(),
      serviceDate: text(80),
      serviceTime: text(40),
      serviceType: text(80),
      customerInitials: z
        .string({ error: 'must be a text' })
        .regex(/^\p{Lu}\. \p{Lu}\.$/u, 'must be initials like "J. D."'),
      pickupCity: text(100),
      estimatedAmount: text(40),
      acceptUrl: webUrl(),
      refuseUrl: webUrl(),
      timeoutDate: text(80),
    },
    { error: 'restricted data only: this field must not be sent to a professional' },
  ),
  subject: (d) => `Nouvelle mission : ${d.serviceType} à ${d.pickupCity} le ${d.serviceDate}`,
  preheader: (d) => `Répondez avant le ${d.timeoutDate}`,
  mjmlBody: `
        <mj-text font-size="22px" font-weight="700" line-height="30px" padding-top="10px">Nouvelle mission disponible</mj-text>
        <mj-text>Bonjour {{professionalName}},</mj-text>
        <mj-text>Une mission correspondant à votre activité est disponible près de chez vous.</mj-text>
        <mj-table>
          <tr class="row"><td class="label">Référence</td><td class="value">{{bookingReference}}</td></tr>
          <tr class="row"><td class="label">Prestation</td><td class="value">{{serviceType}}</td></tr>
          <tr class="row"><td class="label">Date</td><td class="value">{{serviceDate}}</td></tr>
          <tr class="row"><td class="label">Horaire</td><td class="value">{{serviceTime}}</td></tr>
          <tr class="row"><td class="label">Client</td><td class="value">{{customerInitials}}</td></tr>
          <tr class="row"><td class="label">Ville de départ</td><td class="value">{{pickupCity}}</td></tr>
          <tr><td class="label">Montant estimé</td><td class="value">{{estimatedAmount}}</td></tr>
        </mj-table>
        <mj-text>Merci de répondre avant le <strong>{{timeoutDate}}</strong>. La mission est attribuée au premier
          professionnel qui l'accepte ; les coordonnées complètes du client vous sont transmises après acceptation.</mj-text>
        <mj-button href="{{acceptUrl}}" background-color="#15803d">Accepter la mission</mj-button>
        <mj-button href="{{refuseUrl}}" background-color="#ffffff" color="#374151" border="1px solid #d1d5db" padding-top="0">Refuser</mj-button>`,
  textBody: `
Nouvelle mission disponible

Bonjour {{professionalName}},

Une mission correspondant à votre activité est disponible près de chez vous.

- Référence : {{bookingReference}}
- Prestation : {{serviceType}}
- Date : {{serviceDate}}
- Horaire : {{serviceTime}}
- Client : {{customerInitials}}
- Ville de départ : {{pickupCity}}
- Montant estimé : {{estimatedAmount}}

Merci de répondre avant le {{timeoutDate}}. La mission est attribuée au premier professionnel qui l'accepte ; les coordonnées complètes du client vous sont transmises après acceptation.

Accepter la mission : {{acceptUrl}}
Refuser : {{refuseUrl}}`,
});
