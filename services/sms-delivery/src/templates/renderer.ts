import {
  describeDataIssues,
  indexTemplates,
  TemplateDataError,
  templateNamed,
} from '@express-quote/delivery-kit';
import { measureSms, type SmsEncoding, toGsmFriendly } from '../domain/sms-text.ts';
import { SMS_TEMPLATES } from './catalog.ts';
import type { SmsRenderContext, SmsTemplate } from './sms-template.ts';

export interface RenderedSms {
  template: string;
  text: string;
  encoding: SmsEncoding;
  segments: number;
  /** Septets (GSM-7) or characters (UCS-2). */
  length: number;
  /** True when even the most compact text needs more than the template's maxSegments (it is sent anyway). */
  overBudget: boolean;
}

export interface SmsRenderer {
  readonly names: readonly string[];
  render(name: string, data: unknown, ctx: SmsRenderContext): RenderedSms;
}

export const createSmsRenderer = (
  options: { brandName: string; templates?: readonly SmsTemplate[] } = { brandName: 'Express Quote' },
): SmsRenderer => {
  const templates = indexTemplates(options.templates ?? SMS_TEMPLATES, 'SMS');
  return {
    names: [...templates.keys()],
    render(name, data, ctx) {
      const template = templateNamed(templates, name, 'SMS');
      const parsed = template.schema.safeParse(data);
      if (!parsed.success) throw new TemplateDataError(name, describeDataIssues(data, parsed.error));
      const texts = template.variants(parsed.data, ctx);
      if (texts.length === 0) throw new Error(`SMS template ${name} produced no text`);
      let chosen: RenderedSms | undefined;
      for (const raw of texts) {
        const text = toGsmFriendly(raw.replace(/[ \t]+/g, ' ').trim());
        const { encoding, segments, length } = measureSms(text);
        chosen = {
          template: name,
          text,
          encoding,
          segments,
          length,
          overBudget: segments > template.maxSegments,
        };
        if (!chosen.overBudget) break;
      }
      return chosen!;
    },
  };
};
