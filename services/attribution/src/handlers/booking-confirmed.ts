import type { BookingConfirmed, EventOf } from '@express-quote/contracts';
import { DuplicateEventError, handleCommand } from '@express-quote/eventstore';
import type { Logger } from 'pino';
import { attributionTables } from '../database.ts';
import {
  type AttributionCommand,
  type AttributionEvent,
  type AttributionState,
  attributionDecider,
} from '../domain/attribution.ts';
import { respondByFor } from '../domain/business-time.ts';
import { attributionIdOf, attributionStream } from '../domain/ids.ts';
import { restrictedBookingView } from '../domain/restricted-view.ts';
import { requiredSkills } from '../domain/skills.ts';
import { toEnvelopes } from '../event-envelopes.ts';
import { findCandidates } from './candidates.ts';
import type { AttributionDeps } from './handler-deps.ts';

export type StartOutcome =
  | { kind: 'started'; attributionId: string; proposed: number; needsStaff: boolean }
  | { kind: 'duplicate'; attributionId: string };

/**
 * booking.confirmed → one attribution per booking (seed 4.2): geocode the pickup address, find the eligible
 * professionals, then append AttributionStarted + one ProfessionalProposed each (or AttributionNeedsStaff when
 * nobody is eligible) together with the round's deadline row, in one transaction. A redelivery finds the stream
 * and does nothing; a booking cancelled before its confirmation arrived stays cancelled.
 */
export const handleBookingConfirmed = async (
  event: EventOf<typeof BookingConfirmed>,
  deps: AttributionDeps,
  logger: Logger,
): Promise<StartOutcome> => {
  const booking = event.data;
  const attributionId = attributionIdOf(booking.bookingId);
  const streamId = attributionStream(attributionId);
  // Cheap check first: geocoding and the search are wasted on a redelivery.
  if ((await deps.store.streamVersion(streamId)) > 0) return { kind: 'duplicate', attributionId };

  const now = deps.clock();
  const location = await deps.locator.locate(booking.addresses.pickup);
  const view = restrictedBookingView(booking);
  const skills = requiredSkills(booking);
  const respondBy = respondByFor(now, booking.schedule.startsAt, booking.urgent, deps.policy.timeouts);
  const candidates = await findCandidates(deps, deps.db, {
    attributionId,
    bookingId: booking.bookingId,
    serviceType: booking.serviceType,
    requiredSkills: skills,
    center: location,
    radiusKm: deps.policy.radiusKm,
    round: 1,
    respondBy,
  });
  try {
    const result = await deps.db.transaction().execute(async (trx) => {
      const appended = await handleCommand<AttributionCommand, AttributionEvent, AttributionState>({
        store: deps.store,
        streamId,
        decider: attributionDecider,
        trx,
        command: {
          type: 'StartAttribution',
          data: {
            attributionId,
            booking: view,
            location: {
              latitude: location.latitude,
              longitude: location.longitude,
              precision: location.precision,
            },
            radiusKm: deps.policy.radiusKm,
            requiredSkills: skills,
            candidates,
            respondBy: respondBy.toISOString(),
            now: now.toISOString(),
          },
        },
        toEnvelopes: (events) => toEnvelopes(events, { cause: event, streamId, now, key: 'start' }),
      });
      if (appended.state.status === 'BROADCASTING' && appended.events.length > 0) {
        await attributionTables(trx)
          .insertInto('deadlines')
          .values({ attribution_id: attributionId, round: 1, due_at: respondBy })
          .onConflict((oc) => oc.column('attribution_id').doNothing())
          .execute();
      }
      return appended;
    });
    if (result.events.length === 0) return { kind: 'duplicate', attributionId };
    const outcome = {
      kind: 'started' as const,
      attributionId,
      proposed: candidates.length,
      needsStaff: result.state.status === 'NEEDS_STAFF',
    };
    logger.info(
      {
        attributionId,
        bookingId: booking.bookingId,
        precision: location.precision,
        geocoder: location.source,
        proposed: outcome.proposed,
        needsStaff: outcome.needsStaff,
        respondBy: respondBy.toISOString(),
      },
      outcome.needsStaff ? 'attribution started: nobody eligible, staff needed' : 'attribution started',
    );
    return outcome;
  } catch (error) {
    if (error instanceof DuplicateEventError) return { kind: 'duplicate', attributionId };
    throw error;
  }
};
