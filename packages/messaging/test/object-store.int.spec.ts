import { createHash, randomBytes } from 'node:crypto';
import { createTestNats, type TestNats } from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlobStore, openObjectStore } from '../src/index.ts';

let t: TestNats;
let store: BlobStore;
beforeAll(async () => {
  t = await createTestNats();
  store = await openObjectStore(t.nc, t.ns, 'documents', { description: 'PDFs' });
});
afterAll(async () => {
  await t?.cleanup();
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('openObjectStore', () => {
  it('creates the namespaced bucket, and opens the same one again', async () => {
    expect(store.bucket).toBe(t.ns.bucket('documents'));
    await expect(t.jsm.streams.info(`OBJ_${t.ns.bucket('documents')}`)).resolves.toBeDefined();
    const reopened = await openObjectStore(t.nc, t.ns, 'documents');
    await store.put('shared.pdf', Buffer.from('%PDF-1.7 shared'));
    expect((await reopened.get('shared.pdf'))?.data.toString()).toBe('%PDF-1.7 shared');
  });

  it('opens a bucket another service created with other limits, even when both start at once', async () => {
    const [writer, reader] = await Promise.all([
      openObjectStore(t.nc, t.ns, 'shared-limits', { maxBytes: 64 * 1024 * 1024, description: 'writer' }),
      openObjectStore(t.nc, t.ns, 'shared-limits'),
    ]);
    const later = await openObjectStore(t.nc, t.ns, 'shared-limits', { maxBytes: 1024 * 1024 });
    await writer.put('a.pdf', Buffer.from('%PDF-1.7 a'));
    expect((await reader.get('a.pdf'))?.data.toString()).toBe('%PDF-1.7 a');
    expect((await later.get('a.pdf'))?.sha256).toBe(sha(Buffer.from('%PDF-1.7 a')));
  });

  it('stores and returns bytes with their hex sha256, across chunks', async () => {
    // Larger than the 128 KiB chunk size: stored as several messages.
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(300_000)]);
    const stored = await store.put('bookings/b1/invoice.pdf', pdf, { contentType: 'application/pdf' });
    expect(stored).toEqual({ key: 'bookings/b1/invoice.pdf', bytes: pdf.byteLength, sha256: sha(pdf) });
    const fetched = await store.get('bookings/b1/invoice.pdf');
    expect(fetched?.data.equals(pdf)).toBe(true);
    expect(fetched).toMatchObject({
      bytes: pdf.byteLength,
      sha256: sha(pdf),
      contentType: 'application/pdf',
    });
    expect(Buffer.isBuffer(fetched?.data)).toBe(true);
  });

  it('replaces an object under the same key and reports a missing or deleted one as null', async () => {
    await store.put('k.pdf', Buffer.from('v1'));
    const v2 = await store.put('k.pdf', Buffer.from('version 2'));
    expect((await store.get('k.pdf'))?.sha256).toBe(v2.sha256);
    expect(await store.get('missing.pdf')).toBeNull();
    expect(await store.delete('k.pdf')).toBe(true);
    expect(await store.get('k.pdf')).toBeNull();
    expect(await store.delete('k.pdf')).toBe(false);
  });

  it('stores an empty object', async () => {
    const stored = await store.put('empty.bin', new Uint8Array());
    expect(stored.bytes).toBe(0);
    expect((await store.get('empty.bin'))?.data.byteLength).toBe(0);
  });
});
