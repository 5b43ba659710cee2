import type { NotificationRecipient } from '@express-quote/contracts';
import type { z } from 'zod';

export interface SmsRenderContext {
  recipient: NotificationRecipient;
  /** Company name the texts start with (the sender id may be a bare number). */
  brandName: string;
}

/**
 * A French SMS: the data it needs and its texts, from the richest to the most compact. The renderer sends the
 * first text that fits in `maxSegments` (after making it GSM-7 friendly), so a long name costs a greeting, not a
 * second segment.
 */
export interface SmsTemplate<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly audience: 'customer' | 'professional' | 'staff' | 'customer-or-professional';
  readonly schema: S;
  readonly maxSegments: number;
  variants(data: z.output<S>, ctx: SmsRenderContext): string[];
}

export const defineSmsTemplate = <S extends z.ZodType>(template: SmsTemplate<S>): SmsTemplate<S> => {
  if (!Number.isInteger(template.maxSegments) || template.maxSegments < 1) {
    throw new Error(`template ${template.name}: maxSegments must be a positive integer`);
  }
  return template;
};
