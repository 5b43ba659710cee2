import {
  describeDataIssues,
  indexTemplates,
  TemplateDataError,
  templateNamed,
} from '@express-quote/delivery-kit';
import { WHATSAPP_TEMPLATES } from './catalog.ts';
import type { WhatsAppRenderContext, WhatsAppTemplate } from './whatsapp-template.ts';

export interface RenderedWhatsApp {
  template: string;
  /** Free-form text (inside the 24-hour window). */
  text: string;
  /** The approved template (outside it). */
  approved: { name: string; bodyParameters: string[]; documentHeader: boolean };
}

export interface WhatsAppRenderer {
  readonly names: readonly string[];
  render(name: string, data: unknown, ctx: WhatsAppRenderContext): RenderedWhatsApp;
}

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
  const templates = indexTemplates(options.templates ?? WHATSAPP_TEMPLATES, 'WhatsApp');
  return {
    names: [...templates.keys()],
    render(name, data, ctx) {
      const template = templateNamed(templates, name, 'WhatsApp');
      const parsed = template.schema.safeParse(data);
      if (!parsed.success) throw new TemplateDataError(name, describeDataIssues(data, parsed.error));
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
