import type { StoredDocument } from '@express-quote/contracts';
import type { BlobStore } from '@express-quote/messaging';
import type { DeliveryRecords } from '../delivery-records.ts';
import type { CloudApi } from './cloud-api.ts';

/** The stored PDF is missing or not what the command says: no retry will change it. */
export class DocumentIntegrityError extends Error {
  override readonly name = 'DocumentIntegrityError';
}

/** Meta keeps uploaded media 30 days; an id is reused for a day less, so it never expires under a send. */
const MEDIA_REUSE_MS = 29 * 24 * 3600 * 1000;

/**
 * PDFs go to WhatsApp through the media endpoint rather than as links: the documents stay private (no public URL
 * Meta's servers would have to fetch, no signed link to keep valid) and one upload serves every recipient of the
 * same document for 29 days (keyed by sha256 in Postgres).
 */
export const createDocumentUploader = (deps: {
  blobs: BlobStore;
  api: CloudApi;
  records: DeliveryRecords;
  onUpload?: () => void;
}) => ({
  async mediaIdFor(document: StoredDocument): Promise<string> {
    const known = await deps.records.findMedia(document.sha256, MEDIA_REUSE_MS);
    if (known) return known;
    const stored = await deps.blobs.get(document.key);
    if (!stored) throw new DocumentIntegrityError(`document ${document.key} is not in the object store`);
    if (stored.sha256 !== document.sha256) {
      throw new DocumentIntegrityError(`document ${document.key} does not match its sha256`);
    }
    const mediaId = await deps.api.uploadMedia(stored.data, document.filename, document.contentType);
    await deps.records.saveMedia(document.sha256, mediaId);
    deps.onUpload?.();
    return mediaId;
  },
});

export type DocumentUploader = ReturnType<typeof createDocumentUploader>;
