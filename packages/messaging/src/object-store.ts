import { createHash } from 'node:crypto';
import type { Namespace } from '@express-quote/contracts';
import { JetStreamApiError } from '@nats-io/jetstream';
import { type ObjectInfo, type ObjectStore, Objm, StorageType, setSha256Backend } from '@nats-io/obj';
import { type NatsConnection, nanos } from '@nats-io/transport-node';

// The Object Store digests every put and get with a pure-JS SHA-256 by default (browser-safe): 1.45 ms of CPU per
// 105 kB against 0.08 ms for node:crypto, the largest part of fetching two PDFs. Process-wide, set before any use.
setSha256Backend('native');

export interface ObjectStoreOptions {
  replicas?: number;
  /** Objects older than this disappear (0: kept until deleted). */
  ttlMs?: number;
  /** -1: unlimited. Puts beyond it are refused (the bucket never drops old objects on its own). */
  maxBytes?: number;
  description?: string;
}

export interface StoredObject {
  key: string;
  bytes: number;
  /** Hex SHA-256 of the content, as carried by StoredDocument in the contracts. */
  sha256: string;
}

export interface FetchedObject extends StoredObject {
  data: Buffer;
  contentType: string | null;
}

export interface BlobStore {
  /** The bucket's real (namespaced) name. */
  readonly bucket: string;
  /** Stores (or replaces) an object; the same content under the same key gives the same sha256. */
  put(
    key: string,
    data: Uint8Array,
    meta?: { contentType?: string; description?: string },
  ): Promise<StoredObject>;
  /** The object, or null when absent. Throws when the content does not match the digest stored with it. */
  get(key: string): Promise<FetchedObject | null>;
  info(key: string): Promise<ObjectInfo | null>;
  delete(key: string): Promise<boolean>;
  /** The underlying nats.js object store, for streaming large objects. */
  readonly store: ObjectStore;
}

const sha256Hex = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * Opens the namespace's Object Store bucket `ns.bucket(bucket)`, creating it when missing (existing buckets are
 * opened as they are). Documents live here; messages carry only their key and digest.
 */
export const openObjectStore = async (
  nc: NatsConnection,
  ns: Namespace,
  bucket: string,
  options: ObjectStoreOptions = {},
): Promise<BlobStore> => {
  const name = ns.bucket(bucket);
  const objm = new Objm(nc);
  let store: ObjectStore;
  try {
    store = await objm.create(name, {
      storage: StorageType.File,
      replicas: options.replicas ?? 1,
      ...(options.ttlMs ? { ttl: nanos(options.ttlMs) } : {}),
      ...(options.maxBytes !== undefined ? { max_bytes: options.maxBytes } : {}),
      ...(options.description ? { description: options.description } : {}),
    });
  } catch (error) {
    // Another service created the bucket first with its own limits (documents writes it, the delivery services
    // only read it, and they start in any order): use the bucket as it is rather than fail the start-up.
    if (!(error instanceof JetStreamApiError && /already in use/i.test(error.message))) throw error;
    store = await objm.open(name);
  }
  return {
    bucket: name,
    store,
    async put(key, data, meta = {}) {
      const sha256 = sha256Hex(data);
      const info = await store.putBlob(
        {
          name: key,
          ...(meta.description ? { description: meta.description } : {}),
          metadata: { sha256, ...(meta.contentType ? { contentType: meta.contentType } : {}) },
        },
        data,
      );
      return { key, bytes: info.size, sha256 };
    },
    async get(key) {
      const result = await store.get(key);
      if (!result) return null;
      // One read gives the info and the chunks of the same revision; nats.js checks the chunks against the
      // object's digest and reports a mismatch through `error`.
      const chunks: Uint8Array[] = [];
      const reader = result.data.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
      const failure = await result.error;
      if (failure) throw new Error(`object ${name}/${key}: ${failure.message}`, { cause: failure });
      const data = Buffer.concat(chunks);
      const sha256 = sha256Hex(data);
      const recorded = result.info.metadata?.sha256;
      if (recorded && recorded !== sha256) {
        throw new Error(
          `object ${name}/${key}: content sha256 ${sha256} differs from the recorded ${recorded}`,
        );
      }
      return {
        key,
        bytes: data.byteLength,
        sha256,
        data,
        contentType: result.info.metadata?.contentType ?? null,
      };
    },
    info: (key) => store.info(key),
    async delete(key) {
      const info = await store.info(key);
      if (!info || info.deleted) return false;
      await store.delete(key);
      return true;
    },
  };
};
