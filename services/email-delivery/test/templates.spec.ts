import { UnknownTemplateError } from '@express-quote/delivery-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMAIL_TEMPLATES } from '../src/templates/catalog.ts';
import type { RenderContext } from '../src/templates/email-template.ts';
import { compileTemplates, TemplateDataError, type TemplateRenderer } from '../src/templates/renderer.ts';
import { type SampleTemplate, TEMPLATE_SAMPLES } from './fixtures/template-data.ts';

let renderer: TemplateRenderer;
beforeAll(async () => {
  renderer = await compileTemplates({ brandName: 'Express Quote' });
});

const ctxFor = (name: SampleTemplate, extra: Partial<RenderContext> = {}): RenderContext => ({
  recipient: TEMPLATE_SAMPLES[name].recipient,
  documentsMissing: false,
  attachments: [],
  ...extra,
});

const render = (
  name: SampleTemplate,
  data: unknown = TEMPLATE_SAMPLES[name].data,
  extra: Partial<RenderContext> = {},
) => renderer.render(name, data, ctxFor(name, extra));

const failure = (name: SampleTemplate, data: unknown): TemplateDataError => {
  try {
    render(name, data);
  } catch (error) {
    if (error instanceof TemplateDataError) return error;
    throw error;
  }
  throw new Error(`${name} rendered invalid data`);
};

const without = (name: SampleTemplate, ...fields: string[]) => {
  const copy: Record<string, unknown> = { ...TEMPLATE_SAMPLES[name].data };
  for (const f of fields) delete copy[f];
  return copy;
};

describe('e-mail templates', () => {
  it('compiles the eight templates the planner may ask for', () => {
    expect([...renderer.names].sort()).toEqual(
      [
        'booking-confirmation',
        'booking-reminder',
        'external-professional-attribution',
        'mission-assigned',
        'mission-taken',
        'professional-assigned',
        'professional-document',
        'staff-alert',
      ].sort(),
    );
    expect(EMAIL_TEMPLATES).toHaveLength(8);
  });

  it.each(Object.keys(TEMPLATE_SAMPLES) as SampleTemplate[])(
    '%s renders French HTML and text with every value and no leftover tag',
    (name) => {
      const out = render(name);
      expect(out.html).toMatch(/^<!doctype html>/i);
      expect(out.html).toContain('lang="fr"');
      expect(out.html).toContain('@media only screen'); // responsive MJML output
      for (const output of [out.html, out.text]) {
        expect(output).not.toMatch(/\{\{|\}\}/);
        expect(output).toContain('Express Quote');
      }
      for (const [field, value] of Object.entries(TEMPLATE_SAMPLES[name].data)) {
        if (
          typeof value !== 'string' ||
          field.endsWith('Url') ||
          field === 'reminderType' ||
          field === 'trigger'
        )
          continue;
        expect(out.text, `${name}.${field} in text`).toContain(value);
      }
      expect(out.subject).not.toMatch(/\n/);
      expect(out.html).toContain(`<title>${out.subject.replaceAll("'", '&#39;')}</title>`);
    },
  );

  it('subjects per template', () => {
    expect(render('booking-confirmation').subject).toBe('Votre réservation EQ-2026-000123 est confirmée');
    expect(render('professional-document').subject).toBe(
      'Nouvelle réservation EQ-2026-000123 – Déménagement le lundi 15 juin 2026',
    );
    expect(render('external-professional-attribution').subject).toBe(
      'Nouvelle mission : Déménagement à Paris le lundi 15 juin 2026',
    );
    expect(render('staff-alert').subject).toBe('[Alerte] Écart de montant sur la réservation EQ-2026-000123');
    expect(render('mission-taken').subject).toBe('Mission EQ-2026-000123 déjà attribuée');
    expect(render('professional-assigned').subject).toBe(
      'Un professionnel est attribué à votre réservation EQ-2026-000123',
    );
    const reminder = TEMPLATE_SAMPLES['booking-reminder'].data;
    expect(
      (['7d', '24h', '1h'] as const).map(
        (reminderType) => render('booking-reminder', { ...reminder, reminderType }).subject,
      ),
    ).toEqual([
      'Rappel : votre déménagement dans une semaine (EQ-2026-000123)',
      'Rappel : votre déménagement demain (EQ-2026-000123)',
      'Rappel : votre déménagement dans une heure (EQ-2026-000123)',
    ]);
  });

  it('escapes values in the HTML (not in the text) and keeps links on http(s) only', () => {
    const hostile = '<script>alert("x")</script> & Cie';
    const out = render('booking-confirmation', {
      ...TEMPLATE_SAMPLES['booking-confirmation'].data,
      customerName: hostile,
    });
    expect(out.html).not.toContain('<script>');
    expect(out.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;&#x2F;script&gt; &amp; Cie');
    expect(out.text).toContain(`Bonjour ${hostile},`);
    expect(out.html).toContain('href="https:&#x2F;&#x2F;express-quote.test&#x2F;support"');

    const bad = failure('booking-confirmation', {
      ...TEMPLATE_SAMPLES['booking-confirmation'].data,
      viewBookingUrl: 'javascript:alert(1)',
    });
    expect(bad.invalid.map((i) => i.field)).toEqual(['viewBookingUrl']);
  });

  it('says the documents will follow when they are missing, and lists attachments when present', () => {
    const missing = render('professional-document', undefined, { documentsMissing: true });
    expect(missing.html).toContain('Documents à suivre');
    expect(missing.text).toContain('DOCUMENTS À SUIVRE');
    expect(missing.text).not.toContain('sont joints');

    const complete = render('booking-confirmation', undefined, {
      attachments: [
        { filename: 'confirmation-EQ-2026-000123.pdf' },
        { filename: 'facture-FA-2026-000042.pdf' },
      ],
    });
    expect(complete.html).not.toContain('Documents à suivre');
    expect(complete.text).toContain(
      'Pièces jointes : confirmation-EQ-2026-000123.pdf, facture-FA-2026-000042.pdf',
    );
    expect(complete.text).toContain(
      'Votre confirmation de réservation et votre facture sont jointes à ce message.',
    );
    expect(render('booking-confirmation').text).not.toContain('sont jointes');
  });

  it('renders optional parts only when given', () => {
    const withDelivery = render('professional-document');
    expect(withDelivery.text).toContain("Adresse d'arrivée : 3 place Bellecour, 69002 Lyon");
    const noDelivery = render('professional-document', {
      ...TEMPLATE_SAMPLES['professional-document'].data,
      deliveryAddress: null,
      customerPhone: null,
    });
    expect(noDelivery.text).not.toContain("Adresse d'arrivée");
    expect(noDelivery.html).not.toContain("Adresse d'arrivée");
    expect(noDelivery.text).toContain('Téléphone : non renseigné');

    const alert = render('staff-alert');
    expect(alert.text).toContain('- Écart : -34,56 €');
    expect(alert.text).toContain(
      'Le montant payé ne correspond pas au prix recalculé.\n\nVérifiez la réservation',
    );
    expect(alert.html).not.toContain('Voir le détail');
    const withAction = render('staff-alert', {
      ...TEMPLATE_SAMPLES['staff-alert'].data,
      actionUrl: 'https://backoffice.express-quote.test/bookings/1',
    });
    expect(withAction.html).toContain('Voir le détail');
  });

  it('greets staff by the recipient name of the command', () => {
    expect(render('professional-document').text).toContain('Bonjour Camille Martin,');
    const anonymous = renderer.render(
      'professional-document',
      TEMPLATE_SAMPLES['professional-document'].data,
      {
        ...ctxFor('professional-document'),
        recipient: { ...TEMPLATE_SAMPLES['professional-document'].recipient, name: null },
      },
    );
    expect(anonymous.text).toContain('\nBonjour,\n');
  });
});

describe('professional-assigned', () => {
  it('tells the customer which company comes, with the support link, in the exact fields the planner sends', () => {
    const out = render('professional-assigned');
    expect(out.text).toContain(
      'Bonne nouvelle : Déménagements Leroy a accepté votre réservation EQ-2026-000123 et assurera la prestation.',
    );
    expect(out.text).toContain('Contactez le service client : https://express-quote.test/support');
    expect(out.html).toContain('href="https:&#x2F;&#x2F;express-quote.test&#x2F;support"');
    expect(out.html).toContain('Votre professionnel est trouvé');
  });

  it.each([
    'customerName',
    'bookingReference',
    'serviceType',
    'serviceDate',
    'serviceTime',
    'professionalName',
    'supportUrl',
  ])('refuses the message without %s', (field) => {
    expect(failure('professional-assigned', without('professional-assigned', field)).missing).toEqual([
      field,
    ]);
  });

  it('escapes the company name in the HTML and refuses a support link that is not http(s)', () => {
    const data = TEMPLATE_SAMPLES['professional-assigned'].data;
    const out = render('professional-assigned', { ...data, professionalName: 'Leroy <script>' });
    expect(out.html).not.toContain('<script>');
    expect(out.html).toContain('Leroy &lt;script&gt;');
    expect(
      failure('professional-assigned', { ...data, supportUrl: 'javascript:alert(1)' }).invalid.map(
        (i) => i.field,
      ),
    ).toEqual(['supportUrl']);
  });
});

describe('template data validation', () => {
  it.each([
    ['booking-confirmation', ['customerName', 'supportUrl']],
    ['professional-document', ['customerEmail', 'pickupAddress']],
    ['external-professional-attribution', ['acceptUrl', 'refuseUrl', 'timeoutDate']],
    ['staff-alert', ['message']],
    ['mission-assigned', ['pickupAddress']],
    ['mission-taken', ['pickupCity']],
    ['booking-reminder', ['reminderType']],
  ] as Array<[SampleTemplate, string[]]>)('%s without %j names the missing fields', (name, fields) => {
    const error = failure(name, without(name, ...fields));
    expect(error.missing).toEqual(fields);
    expect(error.message).toBe(`template ${name}: missing field(s): ${fields.join(', ')}`);
  });

  it('names invalid fields with the reason', () => {
    const error = failure('professional-document', {
      ...TEMPLATE_SAMPLES['professional-document'].data,
      customerEmail: 'pas-une-adresse',
      bookingReference: '123',
      serviceDate: '',
    });
    expect(error.missing).toEqual([]);
    expect(error.invalid.map((i) => i.field).sort()).toEqual([
      'bookingReference',
      'customerEmail',
      'serviceDate',
    ]);
    expect(error.message).toContain('customerEmail (must be an e-mail address)');
    expect(error.message).toContain('serviceDate (must not be empty)');
  });

  it('refuses personal data in the restricted professional templates', () => {
    const error = failure('external-professional-attribution', {
      ...TEMPLATE_SAMPLES['external-professional-attribution'].data,
      customerEmail: 'jeanne.dupont@example.fr',
      pickupAddress: '12 rue de la Paix',
    });
    expect(error.invalid.map((i) => i.field).sort()).toEqual(['customerEmail', 'pickupAddress']);
    expect(error.message).toContain('restricted data only');
    const initials = failure('external-professional-attribution', {
      ...TEMPLATE_SAMPLES['external-professional-attribution'].data,
      customerInitials: 'Jeanne Dupont',
    });
    expect(initials.invalid[0]?.field).toBe('customerInitials');
    expect(() =>
      render('mission-taken', { ...TEMPLATE_SAMPLES['mission-taken'].data, customerName: 'Jeanne Dupont' }),
    ).toThrow(TemplateDataError);
  });

  it('rejects data that is not an object and unknown templates', () => {
    expect(failure('staff-alert', null).missing).toEqual([]);
    expect(failure('staff-alert', null).message).toMatch(
      /template staff-alert: invalid field\(s\): \(data\)/,
    );
    expect(() => renderer.render('booking-confirmation-sms', {}, ctxFor('booking-confirmation'))).toThrow(
      UnknownTemplateError,
    );
    expect(() => renderer.render('nope', {}, ctxFor('booking-confirmation'))).toThrow(
      /unknown e-mail template "nope" \(known: booking-confirmation, /,
    );
  });
});
