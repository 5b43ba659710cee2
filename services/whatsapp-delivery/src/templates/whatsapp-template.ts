import type { NotificationRecipient } from '@express-quote/contracts';
import type { z } from 'zod';

export interface WhatsAppRenderContext {
  recipient: NotificationRecipient;
  brandName: string;
}

/**
 * A WhatsApp message in two forms: the free-form text sent inside the 24-hour customer-service window, and the
 * message template approved by Meta (name registered in WhatsApp Manager, French) sent outside it. Attachments
 * follow as document messages inside the window; outside it, the first one rides in the template's DOCUMENT header
 * when the template has one (documents alone are free-form messages, refused outside the window).
 */
export interface WhatsAppTemplate<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly schema: S;
  text(data: z.output<S>, ctx: WhatsAppRenderContext): string;
  readonly approved: {
    readonly name: string;
    /** Values of {{1}}, {{2}}… of the approved body, in order. */
    bodyParameters(data: z.output<S>, ctx: WhatsAppRenderContext): string[];
    /** True when the approved template has a DOCUMENT header. */
    readonly documentHeader: boolean;
  };
}

export const defineWhatsAppTemplate = <S extends z.ZodType>(
  template: WhatsAppTemplate<S>,
): WhatsAppTemplate<S> => template;
