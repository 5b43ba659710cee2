import { startPeriodicTask } from '@express-quote/service-kit';
import type { Logger } from 'pino';
import { attributionTables } from '../database.ts';
import { type ExpireOutcome, expireRound } from '../handlers/expire-round.ts';
import type { AttributionDeps } from '../handlers/handler-deps.ts';

export interface DeadlinePoller {
  /** One pass now: every due round is closed (tests drive it with their own clock). */
  tick(): Promise<PassOutcome[]>;
  stop(): Promise<void>;
}

// A pass handles at most this many rounds before yielding to the next tick.
const MAX_PER_PASS = 100;
// A round whose closing failed is tried again this much later, after the other due rounds.
const FAILED_ROUND_RETRY_MS = 60_000;

/** What one claimed row came to: the round's outcome, or `failed` (rolled back, postponed). */
export type PassOutcome = ExpireOutcome | { kind: 'failed' };

/**
 * Closes rounds whose deadline passed. Each due row is claimed with FOR UPDATE SKIP LOCKED in a transaction of
 * its own that also appends the round's outcome, so several instances share the work without doing a round twice
 * and a crash mid-way leaves the row for the next pass. Time comes from `deps.clock`.
 */
export const startDeadlinePoller = (
  deps: AttributionDeps,
  options: { intervalMs: number; logger: Logger; onOutcome?: (outcome: PassOutcome) => void },
): DeadlinePoller => {
  const log = options.logger.child({ component: 'deadline-poller' });
  const closeOne = async (): Promise<PassOutcome | undefined> => {
    let claimed: { attribution_id: string; round: number } | undefined;
    try {
      return await deps.db.transaction().execute(async (trx) => {
        const row = await attributionTables(trx)
          .selectFrom('deadlines')
          .select(['attribution_id', 'round'])
          .where('due_at', '<=', deps.clock())
          .orderBy('due_at')
          .limit(1)
          .forUpdate()
          .skipLocked()
          .executeTakeFirst();
        if (!row) return undefined;
        claimed = row;
        return expireRound(deps, trx, { attributionId: row.attribution_id, round: row.round }, log);
      });
    } catch (error) {
      if (!claimed) throw error; // nothing claimed: Postgres is away, the next tick retries
      // One round that cannot be closed must not hold back every other deadline (it is always the oldest due row):
      // its transaction rolled back; push it back and go on with the others.
      log.error(
        { err: (error as Error).message, attributionId: claimed.attribution_id, round: claimed.round },
        'closing a round failed; retried later',
      );
      await attributionTables(deps.db)
        .updateTable('deadlines')
        .set({ due_at: new Date(deps.clock().getTime() + FAILED_ROUND_RETRY_MS) })
        .where('attribution_id', '=', claimed.attribution_id)
        .where('round', '=', claimed.round)
        .execute();
      return { kind: 'failed' };
    }
  };

  let stopped = false;
  const pass = async (): Promise<PassOutcome[]> => {
    const outcomes: PassOutcome[] = [];
    for (let i = 0; i < MAX_PER_PASS && !stopped; i++) {
      const outcome = await closeOne();
      if (!outcome) break;
      outcomes.push(outcome);
      options.onOutcome?.(outcome);
      // A round picked too early stays for later; do not spin on it within this pass.
      if (outcome.kind === 'not_due') break;
    }
    return outcomes;
  };
  // Logged, not thrown: the next tick retries (Postgres briefly away).
  const task = startPeriodicTask({
    run: pass,
    intervalMs: options.intervalMs,
    fallback: [] as PassOutcome[],
    logger: log,
    failureMessage: 'deadline pass failed',
  });
  return {
    tick: task.tick,
    async stop() {
      stopped = true; // a pass in progress ends after its current round
      await task.stop();
    },
  };
};
