import { DuplicateEventError, handleCommand } from '@express-quote/eventstore';
import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import { attributionTables } from '../database.ts';
import {
  type AttributionCommand,
  type AttributionEvent,
  type AttributionState,
  attributionDecider,
  MAX_ROUNDS,
} from '../domain/attribution.ts';
import { respondByFor } from '../domain/business-time.ts';
import { attributionStream } from '../domain/ids.ts';
import { toEnvelopes } from '../event-envelopes.ts';
import { loadAttribution } from './attribution-state.ts';
import { findCandidates } from './candidates.ts';
import type { AttributionDeps } from './handler-deps.ts';

export type ExpireOutcome =
  | { kind: 'rebroadcast'; round: number; proposed: number }
  | { kind: 'needs_staff' }
  | { kind: 'not_due' }
  | { kind: 'closed' };

/**
 * A round's deadline passed (or everyone refused): re-broadcast once with the wider radius to whoever is
 * eligible and has not refused, else hand over to staff. Runs inside the poller's transaction, which holds the
 * deadline row (FOR UPDATE SKIP LOCKED): the events and the row's next state commit together.
 */
export const expireRound = async (
  deps: AttributionDeps,
  // biome-ignore lint/suspicious/noExplicitAny: the poller's transaction
  trx: Transaction<any>,
  deadline: { attributionId: string; round: number },
  logger: Logger,
): Promise<ExpireOutcome> => {
  const t = attributionTables(trx);
  const now = deps.clock();
  const { state, events } = await loadAttribution(deps.store, deadline.attributionId, trx);
  const started = events.find((e) => e.type === 'attribution.started');
  if (state.status !== 'BROADCASTING' || state.round !== deadline.round || !started) {
    // The round ended some other way (accepted, cancelled) or moved on: the row is stale.
    await t.deleteFrom('deadlines').where('attribution_id', '=', deadline.attributionId).execute();
    return { kind: 'closed' };
  }
  const nextRound = state.round + 1;
  const respondBy = respondByFor(
    now,
    state.booking!.schedule.startsAt,
    state.booking!.urgent,
    deps.policy.timeouts,
  );
  const rebroadcast =
    nextRound <= MAX_ROUNDS && state.location
      ? {
          radiusKm: deps.policy.rebroadcastRadiusKm,
          respondBy: respondBy.toISOString(),
          candidates: await findCandidates(deps, trx, {
            attributionId: deadline.attributionId,
            bookingId: state.bookingId!,
            serviceType: state.booking!.serviceType,
            requiredSkills: state.requiredSkills,
            center: state.location,
            radiusKm: deps.policy.rebroadcastRadiusKm,
            round: nextRound,
            respondBy,
          }),
        }
      : null;
  const streamId = attributionStream(deadline.attributionId);
  let result: Awaited<
    ReturnType<typeof handleCommand<AttributionCommand, AttributionEvent, AttributionState>>
  >;
  try {
    result = await handleCommand<AttributionCommand, AttributionEvent, AttributionState>({
      store: deps.store,
      streamId,
      decider: attributionDecider,
      trx,
      command: { type: 'ExpireRound', data: { round: deadline.round, now: now.toISOString(), rebroadcast } },
      toEnvelopes: (decided) =>
        toEnvelopes(decided, { cause: started, streamId, now, key: `expire:${deadline.round}` }),
    });
  } catch (error) {
    // Already expired by an earlier pass that committed its events (the ids derive from the round).
    if (error instanceof DuplicateEventError) return { kind: 'closed' };
    throw error;
  }
  if (result.events.length === 0) {
    // Picked early (the row said due, the stream's deadline is later): wait for the stream's own deadline.
    if (state.respondBy) {
      await t
        .updateTable('deadlines')
        .set({ due_at: new Date(state.respondBy) })
        .where('attribution_id', '=', deadline.attributionId)
        .execute();
    }
    return { kind: 'not_due' };
  }
  if (result.state.status === 'BROADCASTING') {
    await t
      .updateTable('deadlines')
      .set({ round: result.state.round, due_at: respondBy })
      .where('attribution_id', '=', deadline.attributionId)
      .execute();
    const proposed = result.events.filter((e) => e.type === 'attribution.professional_proposed').length;
    logger.info(
      {
        attributionId: deadline.attributionId,
        round: result.state.round,
        proposed,
        radiusKm: result.state.radiusKm,
      },
      'no acceptance in time: re-broadcast with a wider radius',
    );
    return { kind: 'rebroadcast', round: result.state.round, proposed };
  }
  await t.deleteFrom('deadlines').where('attribution_id', '=', deadline.attributionId).execute();
  logger.warn(
    { attributionId: deadline.attributionId, rounds: deadline.round },
    'no acceptance: staff needed',
  );
  return { kind: 'needs_staff' };
};
