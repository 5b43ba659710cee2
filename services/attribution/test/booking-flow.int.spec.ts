import {
  BookingCancelled,
  createEvent,
  type DataOf,
  newEventId,
  type ProfessionalProposed,
} from '@express-quote/contracts';
import { createPublisher } from '@express-quote/messaging';
import { testLogger, waitFor } from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributionTables } from '../src/database.ts';
import { northOf } from '../src/domain/geo.ts';
import { attributionIdOf } from '../src/domain/ids.ts';
import { handleBookingConfirmed } from '../src/handlers/booking-confirmed.ts';
import { bookingConfirmed, newBookingId, PARIS, professional } from './fixtures.ts';
import { type Harness, startHarness, tokenOf, waitForEvents } from './harness.ts';

const near = professional({
  companyName: 'Proche',
  location: { ...northOf(PARIS, 4), city: 'Paris', postcode: '75018' },
});
const further = professional({
  companyName: 'Plus loin',
  location: { ...northOf(PARIS, 30), city: 'Chantilly', postcode: '60500' },
});
const lyon = professional({
  location: { latitude: 45.764, longitude: 4.8357, city: 'Lyon', postcode: '69001' },
});

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ professionals: [further, near, lyon] });
});
afterAll(() => h?.stop());

const publish = (event: Parameters<ReturnType<typeof createPublisher>['publish']>[0]) =>
  createPublisher(h.nats.nc, h.nats.ns).publish(event);

const eventsOf = async (attributionId: string) =>
  (await h.attributionEvents()).filter(
    (e) => (e.data as { attributionId?: string }).attributionId === attributionId,
  );

describe('booking.confirmed → ATTRIBUTION (real NATS and Postgres)', () => {
  it('starts the attribution and proposes the mission to the eligible professionals, nearest first', async () => {
    const bookingId = newBookingId();
    const confirmed = bookingConfirmed({ bookingId });
    await publish(confirmed);
    const attributionId = attributionIdOf(bookingId);
    const events = await waitFor('started + 2 proposals', async () => {
      const found = await eventsOf(attributionId);
      return found.length >= 3 ? found : undefined;
    });
    expect(events.map((e) => e.type)).toEqual([
      'attribution.started',
      'attribution.professional_proposed',
      'attribution.professional_proposed',
    ]);
    for (const e of events) {
      expect(e.correlationId).toBe(confirmed.correlationId);
      expect(e.causationId).toBe(confirmed.id);
      expect(e.streamId).toBe(`attribution-${attributionId}`);
    }
    expect(events[0]!.data).toMatchObject({
      bookingId,
      status: 'BROADCASTING',
      radiusKm: 150,
      location: { precision: 'CITY', latitude: 48.8566 },
    });
    const proposals = events.slice(1).map((e) => e.data as DataOf<typeof ProfessionalProposed>);
    expect(proposals.map((p) => p.professional.companyName)).toEqual(['Proche', 'Plus loin']);
    expect(proposals[0]).toMatchObject({
      round: 1,
      respondBy: '2026-06-01T14:00:00.000Z',
      booking: { customerInitials: 'É. M.', pickupCity: 'Paris', estimatedAmountCents: 60_000 },
    });
    expect(proposals[0]!.acceptUrl).toMatch(/^http:\/\/attribution\.test\/attribution\/respond\?token=v1\./);
    expect(tokenOf(proposals[0]!.acceptUrl)).not.toBe(tokenOf(proposals[0]!.refuseUrl));
    // The round's deadline is recorded for the poller.
    const deadline = await attributionTables(h.database.db)
      .selectFrom('deadlines')
      .selectAll()
      .where('attribution_id', '=', attributionId)
      .executeTakeFirst();
    expect(deadline).toMatchObject({ round: 1, due_at: new Date('2026-06-01T14:00:00.000Z') });

    // A replay of the confirmation (another envelope, same booking) proposes nothing more.
    await publish({ ...confirmed, id: newEventId() });
    await waitFor('replay handled', async () => {
      const info = await h.nats.jsm.consumers.info(
        h.nats.ns.stream('bookings'),
        'attribution-booking-confirmed',
      );
      return info.num_pending === 0 && info.num_ack_pending === 0;
    });
    expect(await eventsOf(attributionId)).toHaveLength(3);
  });

  it('makes one attribution of the same confirmation handled twice at once', async () => {
    const bookingId = newBookingId();
    const confirmed = bookingConfirmed({ bookingId });
    const outcomes = await Promise.all([
      handleBookingConfirmed(confirmed, h.service.deps, testLogger()),
      handleBookingConfirmed({ ...confirmed, id: newEventId() }, h.service.deps, testLogger()),
    ]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['duplicate', 'started']);
    const stored = await h.service.deps.store.readStream(`attribution-${attributionIdOf(bookingId)}`);
    expect(stored.map((e) => e.type)).toEqual([
      'attribution.started',
      'attribution.professional_proposed',
      'attribution.professional_proposed',
    ]);
  });

  it('asks staff at once when nobody is eligible', async () => {
    const bookingId = newBookingId();
    await publish(
      bookingConfirmed({
        bookingId,
        addresses: {
          pickup: { street: '1 quai du Port', postcode: '13002', city: 'Marseille', country: 'FR' },
          delivery: null,
        },
      }),
    );
    const events = await waitFor('needs staff', async () => {
      const found = await eventsOf(attributionIdOf(bookingId));
      return found.length >= 2 ? found : undefined;
    });
    expect(events.map((e) => e.type)).toEqual(['attribution.started', 'attribution.needs_staff']);
    expect(events[1]!.data).toMatchObject({
      reason: 'NO_ELIGIBLE_PROFESSIONAL',
      booking: { pickupCity: 'Marseille' },
    });
  });

  it('cancels the attribution of a cancelled booking, and its deadline', async () => {
    const bookingId = newBookingId();
    const confirmed = bookingConfirmed({ bookingId });
    await publish(confirmed);
    const attributionId = attributionIdOf(bookingId);
    await waitFor('proposals', async () => ((await eventsOf(attributionId)).length >= 3 ? true : undefined));
    await publish(
      createEvent(
        BookingCancelled,
        {
          bookingId,
          reference: 'EQ-2026-000123',
          reason: 'REFUNDED',
          refundedCents: 63_000,
          cancelledAt: '2026-06-02T10:00:00.000Z',
        },
        { cause: confirmed },
      ),
    );
    const cancelled = await waitFor('cancelled', async () =>
      (await eventsOf(attributionId)).find((e) => e.type === 'attribution.cancelled'),
    );
    expect(cancelled.data).toMatchObject({
      previousStatus: 'BROADCASTING',
      reason: 'REFUNDED',
      professionalIds: [near.professionalId, further.professionalId],
    });
    expect(cancelled.correlationId).toBe(confirmed.correlationId);
    const deadline = await attributionTables(h.database.db)
      .selectFrom('deadlines')
      .selectAll()
      .where('attribution_id', '=', attributionId)
      .executeTakeFirst();
    expect(deadline).toBeUndefined();
  });

  it('keeps a booking cancelled before its confirmation arrived from being proposed', async () => {
    const bookingId = newBookingId();
    const confirmed = bookingConfirmed({ bookingId });
    await publish(
      createEvent(
        BookingCancelled,
        {
          bookingId,
          reference: 'EQ-2026-000123',
          reason: 'REFUNDED',
          refundedCents: 63_000,
          cancelledAt: '2026-06-02T10:00:00.000Z',
        },
        { cause: confirmed },
      ),
    );
    await waitFor(
      'early cancellation',
      async () =>
        (await eventsOf(attributionIdOf(bookingId))).some((e) => e.type === 'attribution.cancelled') ||
        undefined,
    );
    await publish(confirmed);
    await waitFor('confirmation handled', async () => {
      const info = await h.nats.jsm.consumers.info(
        h.nats.ns.stream('bookings'),
        'attribution-booking-confirmed',
      );
      return info.num_pending === 0 && info.num_ack_pending === 0;
    });
    expect((await eventsOf(attributionIdOf(bookingId))).map((e) => e.type)).toEqual([
      'attribution.cancelled',
    ]);
  });

  it('publishes every stored event exactly once (relay, msgID = event id)', async () => {
    await waitForEvents(h, 'attribution.started', 3);
    const all = await h.attributionEvents();
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
  });
});
