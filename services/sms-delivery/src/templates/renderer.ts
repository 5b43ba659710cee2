import type { z } from 'zod';
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

export class UnknownTemplateError extends Error {
  override readonly name = 'UnknownTemplateError';
}

/** The command's data does not fit the template: never worth a retry. The message names every bad field. */
export class TemplateDataError extends Error {
  override readonly name = 'TemplateDataError';
  readonly template: string;
  readonly problems: readonly string[];
  constructor(template: string, problems: readonly string[]) {
    super(`template ${template}: ${problems.join('; ')}`);
    this.template = template;
    this.problems = problems;
  }
}

export interface SmsRenderer {
  readonly names: readonly string[];
  render(name: string, data: unknown, ctx: SmsRenderContext): RenderedSms;
}

const describe = (data: unknown, error: z.ZodError): string[] =>
  error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.map(String).join('.') : '(data)';
    let value: unknown = data;
    for (const key of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
    return value === undefined && issue.path.length ? `missing field ${field}` : `${field}: ${issue.message}`;
  });

export const createSmsRenderer = (
  options: { brandName: string; templates?: readonly SmsTemplate[] } = { brandName: 'Express Quote' },
): SmsRenderer => {
  const templates = new Map<string, SmsTemplate>();
  for (const template of options.templates ?? SMS_TEMPLATES) {
    if (templates.has(template.name)) throw new Error(`SMS template ${template.name} defined twice`);
    templates.set(template.name, template);
  }
  return {
    names: [...templates.keys()],
    render(name, data, ctx) {
      const template = templates.get(name);
      if (!template) {
        throw new UnknownTemplateError(
          `unknown SMS template "${name}" (known: ${[...templates.keys()].join(', ')})`,
        );
      }
      const parsed = template.schema.safeParse(data);
      if (!parsed.success) throw new TemplateDataError(name, describe(data, parsed.error));
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
