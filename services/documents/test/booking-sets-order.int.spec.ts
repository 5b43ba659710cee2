import { DocumentsGenerated, type EventOf } from '@express-quote/contracts';
import { createPublisher, openObjectStore } from '@express-quote/messaging';
import {
  createTestDatabase,
  createTestNats,
  type TestDatabase,
  type TestNats,
  testLogger,
  waitFor,
} from '@express-quote/testing';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleBookingConfirmed } from '../src/handlers/booking-confirmed.ts';
import { createDocumentsMetrics } from '../src/metrics.ts';
import { type DocumentsDatabase, migrateDocuments } from '../src/migrations.ts';
import type { RenderJob } from '../src/rendering/render-job.ts';
import { createInlineRenderer, type Renderer } from '../src/rendering/render-pool.ts';
import { createDocumentStore } from '../src/storage/document-store.ts';
import { bookingConfirmed, company } from './fixtures.ts';
import { streamEvents } from './service-harness.ts';

let tn: TestNats;
let database: TestDatabase;

beforeAll(async () => {
  [tn, database] = await Promise.all([createTestNats(), createTestDatabase()]);
  await migrateDocuments(database.db as Kysely<DocumentsDatabase>);
  await tn.jsm.streams.add({ name: tn.ns.stream('documents'), subjects: [tn.ns.subject('documents.>')] });
});

afterAll(async () => {
  await tn?.cleanup();
  await database?.drop();
});

/** Renders for real, but holds CUSTOMER_DETAILS until released (a slow internal sheet). */
const gatedRenderer = (): Renderer & { release(): void } => {
  const inline = createInlineRenderer(company);
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    ...inline,
    release: () => release(),
    render: async (job: RenderJob) => {
      if (job.kind === 'CUSTOMER_DETAILS') await gate;
      return inline.render(job);
    },
  };
};

describe('BookingConfirmed sets (real NATS and Postgres)', () => {
  it("publishes the customer's set without waiting for the internal customer-details sheet", async () => {
    const renderer = gatedRenderer();
    const deps = {
      db: database.db as Kysely<DocumentsDatabase>,
      renderer,
      store: createDocumentStore(await openObjectStore(tn.nc, tn.ns, 'documents')),
      metrics: createDocumentsMetrics(new Registry(), () => 0),
      publisher: createPublisher(tn.nc, tn.ns),
      now: () => new Date('2026-03-02T10:15:00.000Z'),
    };
    const event = bookingConfirmed({}, '0195f3a4-2222-7000-8000-000000000001');
    const generated = async () =>
      (await streamEvents(tn.jsm, tn.ns.stream('documents'))).filter(
        (e): e is EventOf<typeof DocumentsGenerated> => e.type === DocumentsGenerated.type,
      );

    const handling = handleBookingConfirmed(deps, event, testLogger('documents'));
    await waitFor('the customer set', async () => (await generated()).length === 1);
    expect((await generated()).map((e) => e.data.audience)).toEqual(['customer']);

    renderer.release();
    await handling;
    const sets = await generated();
    expect(sets.map((e) => e.data.audience)).toEqual(['customer', 'internal']);
    expect(sets[1]!.data.documents.map((d) => d.kind)).toEqual([
      'BOOKING_CONFIRMATION',
      'INVOICE',
      'CUSTOMER_DETAILS',
    ]);
    // The internal set references the very objects the customer's does.
    expect(sets[1]!.data.documents.slice(0, 2)).toEqual(sets[0]!.data.documents);
  });
});
