import { z } from 'zod';
import { defineEvent } from './registry.ts';

export const DOCUMENT_KINDS = [
  'BOOKING_CONFIRMATION',
  'INVOICE',
  'CUSTOMER_DETAILS',
  'MISSION_PROPOSAL',
] as const;
export const DocumentKind = z.enum(DOCUMENT_KINDS);
export type DocumentKind = z.infer<typeof DocumentKind>;

export const DocumentAudience = z.enum(['customer', 'internal', 'professional']);
export type DocumentAudience = z.infer<typeof DocumentAudience>;

/** A document stored in the JetStream Object Store; messages carry this reference, never the bytes. */
export const StoredDocument = z.object({
  key: z.string().min(1),
  kind: DocumentKind,
  filename: z.string().min(1),
  contentType: z.literal('application/pdf'),
  bytes: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type StoredDocument = z.infer<typeof StoredDocument>;

export const DocumentsGenerated = defineEvent({
  type: 'documents.generated',
  context: 'documents',
  schema: z.object({
    audience: DocumentAudience,
    bookingId: z.uuid(),
    attributionId: z.uuid().optional(),
    professionalId: z.uuid().optional(),
    documents: z.array(StoredDocument).min(1),
  }),
});

/** The documents of an event could not be produced (malformed input): terminated, not retried. */
export const DocumentsFailed = defineEvent({
  type: 'documents.failed',
  context: 'documents',
  schema: z.object({
    sourceEventId: z.string(),
    sourceEventType: z.string(),
    bookingId: z.uuid().nullable(),
    reason: z.string(),
  }),
});
