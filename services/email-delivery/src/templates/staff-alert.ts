import { optionalWebUrl, text } from '@express-quote/delivery-kit';
import { z } from 'zod';
import { defineTemplate } from './email-template.ts';

/** Payments needing attention, amount mismatches, attributions nobody accepted: staff must act. */
export const staffAlert = defineTemplate({
  name: 'staff-alert',
  audience: 'staff',
  schema: z.object({
    subject: text(150),
    message: text(4000),
    details: z
      .array(z.object({ label: text(80), value: z.string().max(1000, 'at most 1000 characters') }))
      .max(50, 'at most 50 details')
      .default([]),
    actionUrl: optionalWebUrl(),
    actionLabel: text(60).optional(),
  }),
  subject: (d) => `[Alerte] ${d.subject}`,
  preheader: (d) => d.message.slice(0, 120),
  view: (d, ctx) => ({
    greeting: ctx.recipient.name ? `Bonjour ${ctx.recipient.name},` : 'Bonjour,',
    // Blank lines separate paragraphs; each one is escaped on its own.
    paragraphs: d.message
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter(Boolean),
    hasDetails: d.details.length > 0,
    details: d.details.map((row) => ({ ...row, value: row.value === '' ? '—' : row.value })),
    actionLabelOrDefault: d.actionLabel ?? 'Voir le détail',
  }),
  mjmlBody: `
        <mj-text font-size="13px" font-weight="700" color="#b91c1c" padding-top="10px">ALERTE</mj-text>
        <mj-text font-size="21px" font-weight="700" line-height="28px">{{subject}}</mj-text>
        <mj-text>{{greeting}}</mj-text>
        <mj-raw>{{#paragraphs}}</mj-raw>
        <mj-text>{{.}}</mj-text>
        <mj-raw>{{/paragraphs}}</mj-raw>
        <mj-raw>{{#hasDetails}}</mj-raw>
        <mj-table>
          {{#details}}<tr class="row"><td class="label">{{label}}</td><td class="value">{{value}}</td></tr>{{/details}}
        </mj-table>
        <mj-raw>{{/hasDetails}}</mj-raw>
        <mj-raw>{{#actionUrl}}</mj-raw>
        <mj-button href="{{actionUrl}}">{{actionLabelOrDefault}}</mj-button>
        <mj-raw>{{/actionUrl}}</mj-raw>`,
  textBody: `
ALERTE : {{subject}}

{{greeting}}
{{#paragraphs}}

{{.}}
{{/paragraphs}}
{{#hasDetails}}

{{#details}}
- {{label}} : {{value}}
{{/details}}
{{/hasDetails}}
{{#actionUrl}}

{{actionLabelOrDefault}} : {{actionUrl}}
{{/actionUrl}}`,
});
