import { CONTEXTS, type Context } from '@express-quote/contracts';
import { createEventStore, type EventStore, toEnvelope } from '@express-quote/eventstore';
import { createPublisher, ensureContextStream, ensureDlqStream } from '@express-quote/messaging';
import type { TestNats } from '@express-quote/testing';
import type { BookingHistory } from './fixtures.ts';

export const FLOW: Context[] = [
  'payments',
  'bookings',
  'attribution',
  'documents',
  'notify',
  'notifications',
];

export const declareStreams = async (nats: TestNats) => {
  for (const c of FLOW) await ensureContextStream(nats.jsm, nats.ns, c);
  await ensureDlqStream(nats.jsm, nats.ns, FLOW);
  void CONTEXTS;
};

/**
 * Writes one booking's history as the system would: the payment on PAYMENTS, the booking's events appended to the
 * booking event store and published from what was stored (as the relay does), then the downstream services' events.
 * `relayed` limits how many booking events reach BOOKINGS (a relay that stopped).
 */
export const seedBooking = async (
  nats: TestNats,
  store: EventStore,
  h: BookingHistory,
  options: { relayed?: number; statuses?: boolean } = {},
) => {
  const publisher = createPublisher(nats.nc, nats.ns);
  for (const e of h.payments) await publisher.publish(e);
  await store.append(
    `booking-${h.bookingId}`,
    h.bookingStream.map(({ streamVersion: _v, ...e }) => e),
    {
      expectedVersion: 'no_stream',
    },
  );
  const stored = await store.readStream(`booking-${h.bookingId}`);
  for (const e of stored.slice(0, options.relayed ?? stored.length)) await publisher.publish(toEnvelope(e));
  if ((options.relayed ?? stored.length) < stored.length) return;
  for (const e of [...h.attribution, ...h.documents]) await publisher.publish(e);
  for (const [e, subject] of h.notify) await publisher.publish(e, { subject });
  if (options.statuses !== false) for (const e of h.statuses) await publisher.publish(e);
};

export const bookingStore = (db: Parameters<typeof createEventStore>[0]) =>
  createEventStore(db, { schema: 'booking' });
