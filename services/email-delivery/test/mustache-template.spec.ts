import Mustache from 'mustache';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../src/templates/mustache-template.ts';

const TEMPLATE = `<p>Bonjour {{name}},</p>
{{#documentsMissing}}<p>Documents à suivre</p>{{/documentsMissing}}
{{^documentsMissing}}<p>Pièces jointes : {{attachmentList}}</p>{{/documentsMissing}}
<table>{{#details}}<tr><td>{{label}}</td><td>{{value}}</td></tr>{{/details}}</table>
{{{raw}}} {{&raw}} — {{missing}}fin`;

const views = [
  {
    name: 'Jeanne <Dupont> & "fils"',
    documentsMissing: false,
    attachmentList: 'facture.pdf, confirmation.pdf',
    details: [
      { label: 'Montant payé', value: '1 200,00 €' },
      { label: 'Écart', value: '<-34,56 €>' },
    ],
    raw: '<b>gras</b>',
  },
  { name: 'Marc', documentsMissing: true, details: [], raw: null },
];

describe('parseTemplate (own flat tokens)', () => {
  it("renders exactly what mustache's own render gives, escaped or not", () => {
    const html = parseTemplate(TEMPLATE);
    const text = parseTemplate(TEMPLATE, { escape: (value) => String(value) });
    for (const view of views) {
      expect(html(view)).toBe(new Mustache.Writer().render(TEMPLATE, view));
      expect(text(view)).toBe(
        new Mustache.Writer().render(TEMPLATE, view, {}, { escape: (value: unknown) => String(value) }),
      );
    }
    expect(html(views[0]!)).toContain('Jeanne &lt;Dupont&gt; &amp; &quot;fils&quot;');
    expect(text(views[0]!)).toContain('Jeanne <Dupont> & "fils"');
  });

  it('refuses a broken tag when parsed, not when rendered', () => {
    expect(() => parseTemplate('<p>{{#open}} never closed</p>')).toThrow(/Unclosed section "open"/);
  });
});
