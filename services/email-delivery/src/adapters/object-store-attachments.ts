import { createHash } from 'node:crypto';
import type { StoredDocument } from '@express-quote/contracts';
import { LRUCache } from 'lru-cache';
import { wrap } from 'nodemailer/lib/base64';
import { buildHeaderValue, foldLines } from 'nodemailer/lib/mime-funcs';

/** An attachment ready to go into any number of messages: its whole MIME part, base64 done once. */
export interface PreparedAttachment {
  key: string;
  filename: string;
  contentType: string;
  bytes: number;
  sha256: string;
  /**
   * Headers + base64 body of the MIME part (CRLF line endings), handed to nodemailer as `raw`: bytes, so no
   * message converts them again.
   */
  raw: Buffer;
}

/** What the attachment source needs from the Object Store (messaging's BlobStore fits). */
export interface DocumentBlobs {
  get(key: string): Promise<{ data: Buffer } | null>;
}

/** The object is not (yet) in the bucket: worth a retry, it may be replicated or re-put shortly. */
export class AttachmentUnavailableError extends Error {
  override readonly name = 'AttachmentUnavailableError';
}

/** The object's bytes do not match the reference in the command: sending it would send the wrong document. */
export class AttachmentIntegrityError extends Error {
  override readonly name = 'AttachmentIntegrityError';
}

export interface AttachmentSource {
  prepare(document: StoredDocument): Promise<PreparedAttachment>;
  readonly stats: { hits: number; fetches: number };
}

const mimePart = (document: StoredDocument, data: Buffer): Buffer => {
  const disposition = buildHeaderValue({ value: 'attachment', params: { filename: document.filename } });
  const type = buildHeaderValue({ value: document.contentType, params: { name: document.filename } });
  // Built as nodemailer builds its own parts: RFC 2231 parameters for non-ASCII names, folded header lines,
  // 76-column base64.
  const part = [
    foldLines(`Content-Type: ${type}`, 76),
    'Content-Transfer-Encoding: base64',
    foldLines(`Content-Disposition: ${disposition}`, 76),
    '',
    wrap(data.toString('base64'), 76),
  ].join('\r\n');
  return Buffer.from(part, 'utf8');
};

/**
 * Fetches documents from the Object Store by key, checks size and sha256 against the command's reference, and
 * builds the MIME part once. A small LRU (bounded in bytes) serves the other recipients of the same document;
 * concurrent requests for one document share a single fetch.
 */
export const createAttachmentSource = (options: {
  blobs: DocumentBlobs;
  maxCacheBytes: number;
  onFetch?: (hit: boolean) => void;
}): AttachmentSource => {
  const stats = { hits: 0, fetches: 0 };
  const cache = new LRUCache<string, PreparedAttachment, StoredDocument>({
    maxSize: Math.max(1, options.maxCacheBytes),
    sizeCalculation: (a) => Math.max(1, a.raw.byteLength),
    fetchMethod: async (_cacheKey, _stale, { context: document }) => {
      stats.fetches++;
      options.onFetch?.(false);
      let object: { data: Buffer } | null;
      try {
        object = await options.blobs.get(document.key);
      } catch (error) {
        throw new AttachmentUnavailableError(
          `document ${document.key} could not be read from the object store: ${(error as Error).message}`,
          { cause: error },
        );
      }
      if (!object)
        throw new AttachmentUnavailableError(`document ${document.key} is not in the object store`);
      const sha256 = createHash('sha256').update(object.data).digest('hex');
      if (sha256 !== document.sha256 || object.data.byteLength !== document.bytes) {
        throw new AttachmentIntegrityError(
          `document ${document.key}: sha256 ${sha256} (${object.data.byteLength} bytes) does not match the expected ${document.sha256} (${document.bytes} bytes)`,
        );
      }
      return {
        key: document.key,
        filename: document.filename,
        contentType: document.contentType,
        bytes: document.bytes,
        sha256,
        raw: mimePart(document, object.data),
      };
    },
  });

  return {
    stats,
    async prepare(document) {
      // The digest is part of the key: a re-rendered document under the same key is a different attachment.
      const cacheKey = `${document.key}\u0000${document.sha256}`;
      if (cache.has(cacheKey)) {
        stats.hits++;
        options.onFetch?.(true);
      }
      const prepared = await cache.fetch(cacheKey, { context: document });
      if (!prepared) throw new AttachmentUnavailableError(`document ${document.key} could not be prepared`);
      return prepared;
    },
  };
};
