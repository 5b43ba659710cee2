import { type DocumentUrlRefusal, verifyDocumentUrl } from '@express-quote/contracts';
import { type HttpApp, HttpError } from '@express-quote/service-kit';
import { z } from 'zod';
import type { DocumentStore } from '../storage/document-store.ts';

export interface DocumentRoutesOptions {
  store: DocumentStore;
  secret: string;
  now: () => Date;
}

/** What a person holding a refused link reads (French), with a stable machine reason next to it. */
const REFUSALS: Record<DocumentUrlRefusal, string> = {
  missing_signature: 'Lien incomplet : la signature ou la date d’expiration manque.',
  malformed_expiry: 'Lien invalide : la date d’expiration est illisible.',
  bad_signature: 'Lien invalide : la signature ne correspond pas au document demandé.',
  expired: 'Ce lien a expiré : demandez un nouveau lien pour consulter ce document.',
};

const Query = z.object({
  expires: z.string().optional(),
  signature: z.string().optional(),
});

// Keys are ours (bookings/<uuid>/…pdf): anything else cannot be a document, signed or not.
const KEY_PATTERN = /^(?:[a-z0-9][a-z0-9_.-]*\/)*[a-z0-9][a-z0-9_.-]*\.pdf$/;

// Cached copies must not outlive the link by much; a short cap also bounds what a shared cache could keep.
const MAX_CACHE_SECONDS = 300;

const contentDisposition = (filename: string): string => {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
};

const fetchDocument = async (store: DocumentStore, key: string) => {
  try {
    return await store.fetch(key);
  } catch (error) {
    throw Object.assign(
      new HttpError(
        503,
        'service_unavailable',
        'Stockage des documents indisponible : réessayez dans un instant.',
      ),
      { cause: error },
    );
  }
};

/**
 * `GET /api/documents/<key>?expires=…&signature=…`: a stored PDF, only through a signed, unexpired link (see
 * signDocumentUrl in @express-quote/contracts). 403 with a reason otherwise; 404 when the signed key is absent.
 */
export const documentRoutes = async (app: HttpApp, options: DocumentRoutesOptions): Promise<void> => {
  app.get('/api/documents/*', { schema: { querystring: Query } }, async (request, reply) => {
    const key = (request.params as { '*': string })['*'];
    const verdict = verifyDocumentUrl({
      key,
      expires: request.query.expires,
      signature: request.query.signature,
      secret: options.secret,
      now: options.now(),
    });
    if (!verdict.ok) {
      request.log.info({ reason: verdict.reason }, 'document link refused');
      return reply
        .code(403)
        .header('cache-control', 'no-store')
        .send({ error: 'forbidden', reason: verdict.reason, message: REFUSALS[verdict.reason] });
    }
    const document =
      KEY_PATTERN.test(key) && !key.includes('..') ? await fetchDocument(options.store, key) : null;
    if (!document) {
      return reply
        .code(404)
        .header('cache-control', 'no-store')
        .send({ error: 'not_found', message: 'Document introuvable.' });
    }
    const remaining = Math.floor((verdict.expiresAt.getTime() - options.now().getTime()) / 1000);
    return reply
      .code(200)
      .header('content-type', document.contentType)
      .header('content-length', document.data.byteLength)
      .header('content-disposition', contentDisposition(document.filename))
      .header('cache-control', `private, max-age=${Math.max(0, Math.min(remaining, MAX_CACHE_SECONDS))}`)
      .header('etag', `"${document.sha256}"`)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(document.data);
  });
};
