import type { RestrictedBookingView } from '@express-quote/contracts';
import { handleCommand } from '@express-quote/eventstore';
import type { Logger } from 'pino';
import { attributionTables } from '../database.ts';
import {
  type AttributionCommand,
  type AttributionEvent,
  type AttributionState,
  attributionDecider,
  everyoneRefused,
} from '../domain/attribution.ts';
import { AttributionRejection, type RejectionCode } from '../domain/errors.ts';
import { attributionStream } from '../domain/ids.ts';
import type { LinkAction, LinkClaims } from '../domain/link-token.ts';
import { toEnvelopes } from '../event-envelopes.ts';
import { loadAttribution, proposalEventOf } from './attribution-state.ts';
import type { AttributionDeps } from './handler-deps.ts';

/** What the mission page shows: the restricted view only, and the professional's own company name. */
export interface MissionSummary {
  booking: RestrictedBookingView;
  companyName: string;
  distanceKm: number;
  respondBy: string | null;
}

export type LinkCheck =
  | { kind: 'invalid' }
  | { kind: 'expired' }
  | { kind: 'used' }
  | { kind: 'rejected'; code: RejectionCode; summary: MissionSummary | null }
  | { kind: 'ready'; claims: LinkClaims; summary: MissionSummary };

export type AnswerOutcome =
  | Exclude<LinkCheck, { kind: 'ready' }>
  | { kind: 'accepted' | 'refused'; summary: MissionSummary };

const summaryOf = (state: AttributionState, professionalId: string): MissionSummary | null => {
  const proposal = state.proposals[professionalId];
  if (!state.booking || !proposal) return null;
  return {
    booking: state.booking,
    companyName: proposal.professional.companyName,
    distanceKm: proposal.distanceKm,
    respondBy: state.respondBy,
  };
};

const commandFor = (claims: LinkClaims, now: Date): AttributionCommand => ({
  type: claims.action === 'accept' ? 'AcceptMission' : 'RefuseMission',
  data: { professionalId: claims.professionalId, round: claims.round, now: now.toISOString() },
});

const isUsed = async (deps: AttributionDeps, tokenId: string): Promise<boolean> =>
  (await attributionTables(deps.db)
    .selectFrom('used_tokens')
    .select('token_id')
    .where('token_id', '=', tokenId)
    .executeTakeFirst()) !== undefined;

/**
 * What `GET /attribution/respond` may show, without writing anything (mail scanners prefetch links): the token
 * is checked, then the answer is decided against the current state as a dry run, so the page already says
 * "already assigned" or "expired" instead of offering a button that cannot work.
 */
export const checkLink = async (deps: AttributionDeps, token: unknown): Promise<LinkCheck> => {
  const now = deps.clock();
  const verified = deps.signer.verify(token, now);
  if (!verified.ok) return verified.reason === 'expired' ? { kind: 'expired' } : { kind: 'invalid' };
  const { claims } = verified;
  if (await isUsed(deps, verified.tokenId)) return { kind: 'used' };
  const { state } = await loadAttribution(deps.store, claims.attributionId);
  const summary = summaryOf(state, claims.professionalId);
  try {
    attributionDecider.decide(commandFor(claims, now), state);
  } catch (error) {
    if (error instanceof AttributionRejection) return { kind: 'rejected', code: error.code, summary };
    throw error;
  }
  if (!summary) return { kind: 'rejected', code: 'not_proposed', summary: null };
  return { kind: 'ready', claims, summary };
};

/** A token already in used_tokens: nothing else happens. */
class TokenReplayed extends Error {}

/**
 * `POST /attribution/respond`: the only way an answer changes state. In one transaction: the token is marked
 * used (a replay finds it and stops), the answer is decided against the stream and appended with optimistic
 * concurrency (handleCommand reloads and decides again after a conflict, so of 20 simultaneous acceptances one
 * wins and the others are told "already assigned"), and the tables that follow the answer move with it (the
 * refusal excluded from later rounds; the deadline closed, or brought forward when everyone refused). Any
 * rejection rolls the whole transaction back: nothing is written, the token stays usable.
 */
export const answerProposal = async (
  deps: AttributionDeps,
  token: unknown,
  action: LinkAction | undefined,
  logger: Logger,
): Promise<AnswerOutcome> => {
  const now = deps.clock();
  const verified = deps.signer.verify(token, now);
  if (!verified.ok) return verified.reason === 'expired' ? { kind: 'expired' } : { kind: 'invalid' };
  const { claims, tokenId } = verified;
  // The button posts the action it shows: a token pasted under another action is not what its holder meant.
  if (action !== claims.action) return { kind: 'invalid' };
  const streamId = attributionStream(claims.attributionId);
  try {
    const state = await deps.db.transaction().execute(async (trx) => {
      const t = attributionTables(trx);
      const marked = await t
        .insertInto('used_tokens')
        .values({
          token_id: tokenId,
          attribution_id: claims.attributionId,
          professional_id: claims.professionalId,
          action: claims.action,
        })
        .onConflict((oc) => oc.column('token_id').doNothing())
        .returning('token_id')
        .executeTakeFirst();
      if (!marked) throw new TokenReplayed();
      const loaded = await loadAttribution(deps.store, claims.attributionId, trx);
      if (loaded.state.status === 'NONE') {
        throw new AttributionRejection('unknown_attribution', 'no such attribution');
      }
      const proposal = proposalEventOf(loaded.events, claims.professionalId, claims.round);
      if (!proposal) throw new AttributionRejection('not_proposed', 'no proposal matches this link');
      const result = await handleCommand<AttributionCommand, AttributionEvent, AttributionState>({
        store: deps.store,
        streamId,
        decider: attributionDecider,
        trx,
        // Each lost race costs one reload; the reload sees the winner and decides "already assigned".
        maxRetries: 5,
        command: commandFor(claims, now),
        toEnvelopes: (events) =>
          toEnvelopes(events, {
            cause: proposal,
            streamId,
            now,
            key: `${claims.action}:${claims.professionalId}:${claims.round}`,
          }),
      });
      if (claims.action === 'accept') {
        await t.deleteFrom('deadlines').where('attribution_id', '=', claims.attributionId).execute();
      } else {
        await t
          .insertInto('refusals')
          .values({ booking_id: result.state.bookingId!, professional_id: claims.professionalId })
          .onConflict((oc) => oc.columns(['booking_id', 'professional_id']).doNothing())
          .execute();
        if (everyoneRefused(result.state)) {
          // No one left to wait for: the poller closes the round at its next pass.
          await t
            .updateTable('deadlines')
            .set({ due_at: now })
            .where('attribution_id', '=', claims.attributionId)
            .where('round', '=', result.state.round)
            .execute();
        }
      }
      return result.state;
    });
    const summary = summaryOf(state, claims.professionalId)!;
    logger.info(
      { attributionId: claims.attributionId, professionalId: claims.professionalId, round: claims.round },
      claims.action === 'accept' ? 'mission accepted' : 'mission refused',
    );
    return { kind: claims.action === 'accept' ? 'accepted' : 'refused', summary };
  } catch (error) {
    if (error instanceof TokenReplayed) return { kind: 'used' };
    if (error instanceof AttributionRejection) {
      const { state } = await loadAttribution(deps.store, claims.attributionId);
      logger.info(
        { attributionId: claims.attributionId, professionalId: claims.professionalId, code: error.code },
        'answer rejected',
      );
      return { kind: 'rejected', code: error.code, summary: summaryOf(state, claims.professionalId) };
    }
    throw error;
  }
};
