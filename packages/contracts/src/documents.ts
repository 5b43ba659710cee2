import { createHmac, timingSafeEqual } from 'node:crypto';
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
    /**
     * Professional sets only: the attribution round the MISSION_PROPOSAL was made for. A professional proposed again
     * in a later round gets a new document (new links), so the round is part of the set's identity.
     */
    round: z.number().int().positive().optional(),
    /** Booking sets only: the number printed on the INVOICE (gap-free per year, e.g. FA-2026-000042). */
    invoiceNumber: z.string().optional(),
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

/**
 * Signed, expiring links to a stored document (`GET /api/documents/<key>?expires=…&signature=…`, served by the
 * documents service). Algorithm, so any service can build the same link:
 *   expires   = Unix time in whole seconds after which the link is refused
 *   message   = `${key}\n${expires}` (UTF-8; the key exactly as stored, e.g. `bookings/<id>/invoice.pdf`)
 *   signature = base64url( HMAC-SHA256(secret, message) ), without padding
 *   url       = `${baseUrl}/api/documents/${key with each '/'-separated segment URI-encoded}?expires=…&signature=…`
 * The secret is DOCUMENTS_URL_SECRET, shared by the documents service and the services that build links.
 */
export const documentUrlSignature = (key: string, expires: number, secret: string): string =>
  createHmac('sha256', secret).update(`${key}\n${expires}`, 'utf8').digest('base64url');

export const documentUrlPath = (key: string): string =>
  `/api/documents/${key.split('/').map(encodeURIComponent).join('/')}`;

export const signDocumentUrl = (options: {
  /** Public origin of the documents service, e.g. `https://documents.example.fr` (no trailing path). */
  baseUrl: string;
  key: string;
  expiresAt: Date;
  secret: string;
}): string => {
  const expires = Math.floor(options.expiresAt.getTime() / 1000);
  const url = new URL(documentUrlPath(options.key), options.baseUrl);
  url.searchParams.set('expires', String(expires));
  url.searchParams.set('signature', documentUrlSignature(options.key, expires, options.secret));
  return url.toString();
};

export type DocumentUrlRefusal = 'missing_signature' | 'malformed_expiry' | 'bad_signature' | 'expired';

/** Checks a link's signature first (so a forged link never learns whether it would have expired), then its expiry. */
export const verifyDocumentUrl = (options: {
  key: string;
  expires: string | undefined;
  signature: string | undefined;
  secret: string;
  now: Date;
}): { ok: true; expiresAt: Date } | { ok: false; reason: DocumentUrlRefusal } => {
  if (!options.signature || options.expires === undefined) return { ok: false, reason: 'missing_signature' };
  if (!/^\d{1,12}$/.test(options.expires)) return { ok: false, reason: 'malformed_expiry' };
  const expires = Number(options.expires);
  const expected = Buffer.from(documentUrlSignature(options.key, expires, options.secret), 'utf8');
  const given = Buffer.from(options.signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad_signature' };
  }
  if (expires * 1000 <= options.now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, expiresAt: new Date(expires * 1000) };
};
