import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentsGenerated, deterministicId, type EventOf, signDocumentUrl } from '@express-quote/contracts';
import { createPublisher } from '@express-quote/messaging';
import {
  createTestDatabase,
  createTestNats,
  freePort,
  type Stack,
  startStack,
  type TestDatabase,
  type TestNats,
  waitFor,
} from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingConfirmed } from './fixtures.ts';
import { pdfText } from './pdf-text.ts';
import { streamEvents, URL_SECRET } from './service-harness.ts';

const root = join(import.meta.dirname, '..', '..', '..');
let tn: TestNats;
let database: TestDatabase;
let stack: Stack;
let logDir: string;

beforeAll(async () => {
  [tn, database, logDir] = await Promise.all([
    createTestNats(),
    createTestDatabase(),
    mkdtemp(join(tmpdir(), 'eq-documents-e2e-')),
  ]);
  stack = await startStack({
    root,
    logDir,
    services: [{ name: 'documents', port: await freePort() }],
    env: {
      NATS_URL: tn.url,
      NATS_NAMESPACE: tn.ns.prefix,
      DATABASE_URL: database.url,
      LOG_LEVEL: 'warn',
      DOCUMENTS_URL_SECRET: URL_SECRET,
      COMPANY_NAME: 'Express Quote SAS',
      COMPANY_ADDRESS: '12 rue de la Paix, 75002 Paris',
      COMPANY_SIRET: '12345678900012',
      COMPANY_VAT_NUMBER: 'FR12123456789',
      RENDER_THREADS: '2',
      // What a SIGKILL left in flight comes back after ack_wait: keep it short here.
      CONSUMER_ACK_WAIT_MS: '3s',
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  await tn?.cleanup();
  await database?.drop();
  if (logDir) await rm(logDir, { recursive: true, force: true });
});

const generated = async () =>
  (await streamEvents(tn.jsm, tn.ns.stream('documents'))).filter(
    (e): e is EventOf<typeof DocumentsGenerated> => e.type === DocumentsGenerated.type,
  );

describe('documents as its own process (node services/documents/src/main.ts)', () => {
  it('survives a crash mid-batch: every booking gets its documents once, invoice numbers stay gap-free', async () => {
    const bookings = Array.from({ length: 40 }, (_, i) =>
      bookingConfirmed(
        {
          bookingId: deterministicId('e2e-booking', i),
          reference: `EQ-2026-${String(500 + i).padStart(6, '0')}`,
        },
        deterministicId('e2e-booking-confirmed', i),
      ),
    );
    const publisher = createPublisher(tn.nc, tn.ns);
    await Promise.all(bookings.map((b) => publisher.publish(b)));
    const storedMessages = async () => (await tn.jsm.streams.info(tn.ns.stream('documents'))).state.messages;
    await waitFor('the first documents', async () => (await storedMessages()) > 0, {
      timeoutMs: 30_000,
      intervalMs: 5,
    });
    await stack.kill('documents', 'SIGKILL');
    // The crash really happened mid-batch.
    expect(await storedMessages()).toBeLessThan(bookings.length * 2);
    await stack.restart('documents');

    const events = await waitFor(
      'documents of every booking',
      async () => {
        const all = await generated();
        return all.length >= bookings.length * 2 && all;
      },
      { timeoutMs: 90_000, intervalMs: 100 },
    );
    const expectedIds = bookings.flatMap((b) => [
      deterministicId(b.id, 'customer'),
      deterministicId(b.id, 'internal'),
    ]);
    // Exactly one stored message per (booking, audience): the restart's republishes were deduplicated.
    expect(events.map((e) => e.id).sort()).toEqual([...expectedIds].sort());
    const numbers = new Map(events.map((e) => [e.data.bookingId, e.data.invoiceNumber]));
    expect(numbers.size).toBe(bookings.length);
    expect([...numbers.values()].sort()).toEqual(
      Array.from({ length: bookings.length }, (_, i) => `FA-2026-${String(i + 1).padStart(6, '0')}`),
    );
  }, 120_000);

  it('serves a stored document over HTTP through a signed link, and refuses a tampered one', async () => {
    const [event] = await generated();
    const document = event!.data.documents.find((d) => d.kind === 'INVOICE')!;
    const url = signDocumentUrl({
      baseUrl: stack.url('documents'),
      key: document.key,
      expiresAt: new Date(Date.now() + 3_600_000),
      secret: URL_SECRET,
    });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.byteLength).toBe(document.bytes);
    expect((await pdfText(bytes)).text).toContain(`N° ${event!.data.invoiceNumber}`);

    const tampered = await fetch(url.replace(/expires=\d+/, (m) => `${m}0`));
    expect(tampered.status).toBe(403);
    expect(await tampered.json()).toMatchObject({ error: 'forbidden', reason: 'bad_signature' });
  });

  it('stops cleanly on SIGTERM', async () => {
    const child = stack.services.get('documents')!.process;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await stack.kill('documents', 'SIGTERM');
    expect(await exited).toBe(0);
  });
});
