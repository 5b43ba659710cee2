import { TemplateDataError as KitTemplateDataError, templateNamed } from '@express-quote/delivery-kit';
import mjml2html from 'mjml';
import type { z } from 'zod';
import { EMAIL_TEMPLATES } from './catalog.ts';
import type { EmailTemplate, RenderContext } from './email-template.ts';
import { mjmlLayout, textLayout } from './layout.ts';
import { parseTemplate } from './mustache-template.ts';

export interface RenderedEmail {
  template: string;
  subject: string;
  html: string;
  text: string;
}

/**
 * The command's data does not fit the template: never worth a retry. The message names every bad field; the
 * missing and the invalid ones are also kept apart (the e-mail tests and logs read them).
 */
export class TemplateDataError extends KitTemplateDataError {
  readonly missing: readonly string[];
  readonly invalid: ReadonlyArray<{ field: string; reason: string }>;
  constructor(
    template: string,
    missing: readonly string[],
    invalid: ReadonlyArray<{ field: string; reason: string }>,
  ) {
    super(
      template,
      [
        missing.length ? `missing field(s): ${missing.join(', ')}` : '',
        invalid.length
          ? `invalid field(s): ${invalid.map((i) => `${i.field} (${i.reason})`).join('; ')}`
          : '',
      ].filter(Boolean),
    );
    this.missing = missing;
    this.invalid = invalid;
  }
}

export interface TemplateRenderer {
  readonly names: readonly string[];
  /** Validates `data` against the template's schema and renders subject, HTML and text. */
  render(name: string, data: unknown, ctx: RenderContext): RenderedEmail;
}

const valueAt = (data: unknown, path: readonly PropertyKey[]): unknown => {
  let current = data;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
};

const toDataError = (template: string, data: unknown, error: z.ZodError): TemplateDataError => {
  const missing: string[] = [];
  const invalid: Array<{ field: string; reason: string }> = [];
  for (const issue of error.issues) {
    const field = issue.path.length ? issue.path.map(String).join('.') : '(data)';
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        invalid.push({ field: [...issue.path.map(String), key].join('.'), reason: issue.message });
      }
    } else if (issue.path.length > 0 && valueAt(data, issue.path) === undefined) {
      missing.push(field);
    } else {
      invalid.push({ field, reason: issue.message });
    }
  }
  return new TemplateDataError(template, missing, invalid);
};

// A subject is a header: one line, bounded.
const oneLine = (value: string, max = 250) => value.replace(/\s+/g, ' ').trim().slice(0, max);

interface CompiledTemplate {
  template: EmailTemplate;
  html: (view: Record<string, unknown>) => string;
  text: (view: Record<string, unknown>) => string;
}

/**
 * Compiles every template once (MJML → responsive HTML that still holds its mustache tags) and checks that the
 * mustache tags parse, so a broken template stops the service at start-up, not on the first message.
 */
export const compileTemplates = async (options: {
  brandName: string;
  templates?: readonly EmailTemplate[];
}): Promise<TemplateRenderer> => {
  const templates = options.templates ?? EMAIL_TEMPLATES;
  const compiled = new Map<string, CompiledTemplate>();
  for (const template of templates) {
    if (compiled.has(template.name)) throw new Error(`template ${template.name} defined twice`);
    const result = await mjml2html(mjmlLayout(template.mjmlBody), { validationLevel: 'strict' });
    if (result.errors.length) {
      throw new Error(
        `template ${template.name}: MJML errors: ${result.errors.map((e) => e.formattedMessage).join('; ')}`,
      );
    }
    compiled.set(template.name, {
      template,
      html: parseTemplate(result.html),
      // Plain text: values as they are, no HTML escaping.
      text: parseTemplate(textLayout(template.textBody), { escape: (value) => String(value) }),
    });
  }

  return {
    names: [...compiled.keys()],
    render(name, data, ctx) {
      const entry = templateNamed(compiled, name, 'e-mail');
      const parsed = entry.template.schema.safeParse(data);
      if (!parsed.success) throw toDataError(name, data, parsed.error);
      const values = parsed.data;
      const subject = oneLine(entry.template.subject(values, ctx));
      const view = {
        ...(values as Record<string, unknown>),
        ...(entry.template.view?.(values, ctx) ?? {}),
        brandName: options.brandName,
        emailSubject: subject,
        preheader: oneLine(entry.template.preheader(values, ctx), 200),
        documentsMissing: ctx.documentsMissing,
        hasAttachments: ctx.attachments.length > 0,
        attachmentList: ctx.attachments.map((a) => a.filename).join(', '),
      };
      return {
        template: name,
        subject,
        html: entry.html(view),
        text: entry.text(view),
      };
    },
  };
};
