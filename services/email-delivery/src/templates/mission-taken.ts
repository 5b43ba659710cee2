import { bookingReference, text } from '@express-quote/delivery-kit';
import { z } from 'zod';
import { defineTemplate } from './email-template.ts';

/** The other professionals of a proposal round: someone accepted first. Restricted data, like the proposal. */
export const missionTaken = defineTemplate({
  name: 'mission-taken',
  audience: 'professional',
  schema: z.strictObject(
    {
      professionalName: text(),
      bookingReference: bookingReference(),
      serviceType: text(80),
      serviceDate: text(80),
      pickupCity: text(100),
    },
    { error: 'restricted data only: this field must not be sent to a professional' },
  ),
  subject: (d) => `Mission ${d.bookingReference} déjà attribuée`,
  preheader: (d) => `${d.serviceType} à ${d.pickupCity} le ${d.serviceDate}`,
  mjmlBody: `
        <mj-text font-size="22px" font-weight="700" line-height="30px" padding-top="10px">Mission déjà attribuée</mj-text>
        <mj-text>Bonjour {{professionalName}},</mj-text>
        <mj-text>Merci pour votre intérêt. La mission <strong>{{bookingReference}}</strong> ({{serviceType}} à
          {{pickupCity}} le {{serviceDate}}) a déjà été acceptée par un autre professionnel.</mj-text>
        <mj-text>Aucune action n'est nécessaire de votre part. Nous vous proposerons de nouvelles missions très bientôt.</mj-text>`,
  textBody: `
Mission déjà attribuée

Bonjour {{professionalName}},

Merci pour votre intérêt. La mission {{bookingReference}} ({{serviceType}} à {{pickupCity}} le {{serviceDate}}) a déjà été acceptée par un autre professionnel.

Aucune action n'est nécessaire de votre part. Nous vous proposerons de nouvelles missions très bientôt.`,
});
