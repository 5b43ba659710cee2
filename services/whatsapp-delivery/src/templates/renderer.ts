import type { z } from 'zod';
import { WHATSAPP_TEMPLATES } from './catalog.ts';
import type { WhatsAppRenderContext, WhatsAppTemplate } from './whatsapp-template.ts';

export interface RenderedWhatsApp {
  template: string;
  /** Free-form text (inside the 24-hour window). */
  text: string;
  /** The approved template (outside it). */
  approved: { name: string; bodyParameters: string[]; documentHeader: boolean };
}

export class UnknownTemplateError extends Error {
  override readonly name = 'UnknownTemplateError';
}

export class TemplateDataError extends Error {
  override readonly name = 'TemplateDataError';
  readonly problems: readonly string[];
  constructor(template: string, problems: readonly string[]) {
    super(`template ${template}: ${problems.join('; ')}`);
    this.problems = problems;
  }
}

export interface WhatsAppRenderer {
  readonly names: readonly string[];
  render(name: string, data: unknown, ctx: WhatsAppRenderContext): RenderedWhatsApp;
}

const describe = (data: unknown, error: z.ZodError): string[] =>
  error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.map(String).join('.') : '(data)';
    let value: unknown = data;
    for (const key of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
    return value === undefined && issue.path.length ? `missing field ${field}` : `${field}: ${issue.message}`;
  });

// Graph refuses template parameters with line breaks, tabs or more than four spaces in a row.
const asParameter = (value: string): string =>
  value
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim()
    .slice(0, 1024);

export const createWhatsAppRenderer = (
  options: { templates?: readonly WhatsAppTemplate[] } = {},
): WhatsAppRenderer => {
  const templates = new Map<string, WhatsAppTemplate>();
  for (const template of options.templates ?? WHATSAPP_TEMPLATES) {
    if (templates.has(template.name)) throw new Error(`WhatsApp template ${template.name} defined twice`);
    templates.set(template.name, template);
  }
  return {
    names: [...templates.keys()],
    render(name, data, ctx) {
      const template = templates.get(name);
      if (!template) {
        throw new UnknownTemplateError(
          `unknown WhatsApp template "${name}" (known: ${[...templates.keys()].join(', ')})`,
        );
      }
      const parsed = template.schema.safeParse(data);
      if (!parsed.success) throw new TemplateDataError(name, describe(data, parsed.error));
      return {
        template: name,
        text: template.text(parsed.data, ctx),
        approved: {
          name: template.approved.name,
          bodyParameters: template.approved.bodyParameters(parsed.data, ctx).map(asParameter),
          documentHeader: template.approved.documentHeader,
        },
      };
    },
  };
};
