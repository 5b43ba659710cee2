import { signDocumentUrl } from '@express-quote/contracts';
import type { DocumentLinkSigner } from '../domain/release.ts';

/**
 * Links served by the documents service (`GET /api/documents/<key>?expires=…&signature=…`), signed with the secret
 * it shares with us (DOCUMENTS_URL_SECRET) by the algorithm in contracts' documents.ts.
 */
export const documentLinkSigner = (options: {
  baseUrl: string;
  secret: string;
  ttlMs: number;
}): DocumentLinkSigner => {
  return (document, now) =>
    signDocumentUrl({
      baseUrl: options.baseUrl,
      key: document.key,
      expiresAt: new Date(now.getTime() + options.ttlMs),
      secret: options.secret,
    });
};
