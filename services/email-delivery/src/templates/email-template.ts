import type { NotificationRecipient } from '@express-quote/contracts';
import type { z } from 'zod';

/** What a template sees besides its own data: who reads it and what travels with it. */
export interface RenderContext {
  recipient: NotificationRecipient;
  /** Documents were expected but did not arrive in time: the message says they will follow. */
  documentsMissing: boolean;
  attachments: ReadonlyArray<{ filename: string }>;
}

/**
 * One e-mail template: its data schema (validated per message), its subject, and its MJML and text bodies as
 * mustache templates. `{{field}}` is escaped in the HTML body; lists and optional parts use mustache sections
 * (`{{#details}}…{{/details}}`), wrapped in `<mj-raw>` when they sit between MJML components.
 */
export interface EmailTemplate<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  /** Who reads it; the restricted-data templates (professionals) use strict schemas. */
  readonly audience: 'customer' | 'staff' | 'professional' | 'customer-or-professional';
  readonly schema: S;
  subject(data: z.output<S>, ctx: RenderContext): string;
  /** The grey line mail clients show after the subject. */
  preheader(data: z.output<S>, ctx: RenderContext): string;
  /** MJML placed inside the body `<mj-column>` of the shared layout. */
  readonly mjmlBody: string;
  /** Plain-text alternative (mustache, not escaped). */
  readonly textBody: string;
  /** Extra view values computed from the data (labels, paragraphs). */
  view?(data: z.output<S>, ctx: RenderContext): Record<string, unknown>;
}

export const defineTemplate = <S extends z.ZodType>(template: EmailTemplate<S>): EmailTemplate<S> => template;
