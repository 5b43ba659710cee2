import { createHash } from 'node:crypto';
import type { DocumentKind, StoredDocument } from '@express-quote/contracts';
import type { BlobStore } from '@express-quote/messaging';

export const PDF = 'application/pdf' as const;

export interface DocumentToStore {
  key: string;
  kind: DocumentKind;
  filename: string;
  bytes: Uint8Array;
}

export interface FetchedDocument {
  key: string;
  data: Buffer;
  sha256: string;
  filename: string;
  contentType: string;
}

export interface DocumentStore {
  /**
   * Stores a rendered document under its key. A redelivered event renders the same bytes: when the object
   * already holds them (same sha256), nothing is written again.
   */
  save(document: DocumentToStore): Promise<StoredDocument>;
  /** The document and its metadata, or null when absent (the digest is verified on read). */
  fetch(key: string): Promise<FetchedDocument | null>;
}

const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const basename = (key: string): string => key.slice(key.lastIndexOf('/') + 1);

/** PDFs in the JetStream Object Store bucket `documents`; the file name people see is kept as its description. */
export const createDocumentStore = (blobs: BlobStore): DocumentStore => ({
  async save({ key, kind, filename, bytes }) {
    const sha256 = sha256Hex(bytes);
    const current = await blobs.info(key);
    const unchanged =
      current && !current.deleted && current.metadata?.sha256 === sha256 && current.description === filename;
    const stored = unchanged
      ? { bytes: current.size }
      : await blobs.put(key, bytes, { contentType: PDF, description: filename });
    return { key, kind, filename, contentType: PDF, bytes: stored.bytes, sha256 };
  },
  async fetch(key) {
    const object = await blobs.get(key);
    if (!object) return null;
    const info = await blobs.info(key);
    return {
      key,
      data: object.data,
      sha256: object.sha256,
      filename: info?.description || basename(key),
      contentType: object.contentType ?? PDF,
    };
  },
});
