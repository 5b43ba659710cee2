import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type DataOf, type Envelope, type ProfessionalProposed, parseEvent } from '@express-quote/contracts';
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
import { attributionIdOf } from '../src/domain/ids.ts';
import { ADMIN_TOKEN, bookingConfirmed, LINK_SECRET, newBookingId } from './fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

/** Active, not blacklisted movers of fixtures/professionals.json within 150 km of central Paris. */
const IDF_MOVERS = [
  'Déménagements Durand & Fils',
  'Paris Déménage Express',
  'Cartons & Compagnie',
  'Transports Lefèvre',
  'Versailles Déménagement',
  'Val-de-Marne Services',
];

let nats: TestNats;
let tdb: TestDatabase;
let stack: Stack;
let logDir: string;
let baseUrl: string;

beforeAll(async () => {
  nats = await createTestNats();
  tdb = await createTestDatabase();
  logDir = await mkdtemp(join(tmpdir(), 'attribution-e2e-'));
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  stack = await startStack({
    root: ROOT,
    // The shipped professionals fixture: the booking below (Paris) reaches the Île-de-France ones.
    services: [{ name: 'attribution', port }],
    env: {
      NATS_URL: nats.url,
      DATABASE_URL: tdb.url,
      NATS_NAMESPACE: nats.ns.prefix,
      PUBLIC_BASE_URL: baseUrl,
      ATTRIBUTION_LINK_SECRET: LINK_SECRET,
      ADMIN_TOKEN,
      LOG_LEVEL: 'info',
    },
    logDir,
  });
});
afterAll(async () => {
  await stack?.stop();
  await nats?.cleanup();
  await tdb?.drop();
  if (logDir) await rm(logDir, { recursive: true, force: true });
});

const attributionEvents = async (): Promise<Envelope[]> => {
  const stream = nats.ns.stream('attribution');
  const info = await nats.jsm.streams.info(stream);
  const out: Envelope[] = [];
  for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq++) {
    const msg = await nats.jsm.streams.getMessage(stream, { seq });
    if (msg) out.push(parseEvent(msg.json()));
  }
  return out;
};

describe('attribution as its own process', () => {
  it('proposes a confirmed booking to the nearby professionals of the fixture, and takes an answer over HTTP', async () => {
    const bookingId = newBookingId();
    // The service runs on the real clock: a service date well ahead keeps the links valid.
    const date = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await createPublisher(nats.nc, nats.ns).publish(
      bookingConfirmed({
        bookingId,
        schedule: {
          date,
          startTime: '08:00',
          endTime: '12:00',
          timeZone: 'Europe/Paris',
          startsAt: `${date}T06:00:00.000Z`,
        },
      }),
    );
    const attributionId = attributionIdOf(bookingId);
    const proposals = await waitFor('proposals on ATTRIBUTION', async () => {
      const found = (await attributionEvents()).filter(
        (e) =>
          e.type === 'attribution.professional_proposed' &&
          (e.data as { attributionId: string }).attributionId === attributionId,
      );
      return found.length >= IDF_MOVERS.length
        ? found.map((e) => e.data as DataOf<typeof ProfessionalProposed>)
        : undefined;
    });
    // The Île-de-France movers of the fixture, nearest first: not the cleaner, the inactive or the blacklisted one.
    const companies = proposals.map((p) => p.professional.companyName);
    expect([...companies].sort()).toEqual([...IDF_MOVERS].sort());
    const distances = proposals.map((p) => p.distanceKm);
    expect([...distances].sort((a, b) => a - b)).toEqual(distances);

    // The link in the event opens the page on this process; the button answers.
    const link = proposals[0]!.acceptUrl;
    expect(link.startsWith(`${baseUrl}/attribution/respond?token=`)).toBe(true);
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Accepter la mission');
    const answer = await fetch(`${baseUrl}/attribution/respond`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: new URL(link).searchParams.get('token')!, action: 'accept' }),
    });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('Mission acceptée');
    const completed = await waitFor('attribution.completed', async () =>
      (await attributionEvents()).find((e) => e.type === 'attribution.completed'),
    );
    expect(completed.data).toMatchObject({
      attributionId,
      professional: { professionalId: proposals[0]!.professionalId },
    });

    const status = await fetch(`${baseUrl}/admin/attributions/${attributionId}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(await status.json()).toMatchObject({
      status: 'ASSIGNED',
      assignedTo: proposals[0]!.professionalId,
    });
  });
});
