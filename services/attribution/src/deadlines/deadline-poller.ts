import type { Logger } from 'pino';
import { attributionTables } from '../database.ts';
import { type ExpireOutcome, expireRound } from '../handlers/expire-round.ts';
import type { AttributionDeps } from '../handlers/handler-deps.ts';

export interface DeadlinePoller {
  /** One pass now: every due round is closed (tests drive it with their own clock). */
  tick(): Promise<ExpireOutcome[]>;
  stop(): Promise<void>;
}

// A pass handles at most this many rounds before yielding to the next tick.
const MAX_PER_PASS = 100;

/**
 * Closes rounds whose deadline passed. Each due row is claimed with FOR UPDATE SKIP LOCKED in a transaction of
 * its own that also appends the round's outcome, so several instances share the work without doing a round twice
 * and a crash mid-way leaves the row for the next pass. Time comes from `deps.clock`.
 */
export const startDeadlinePoller = (
  deps: AttributionDeps,
  options: { intervalMs: number; logger: Logger; onOutcome?: (outcome: ExpireOutcome) => void },
): DeadlinePoller => {
  const log = options.logger.child({ component: 'deadline-poller' });
  const closeOne = (): Promise<ExpireOutcome | undefined> =>
    deps.db.transaction().execute(async (trx) => {
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
      return expireRound(deps, trx, { attributionId: row.attribution_id, round: row.round }, log);
    });

  let running: Promise<ExpireOutcome[]> | undefined;
  let stopped = false;
  const pass = async (): Promise<ExpireOutcome[]> => {
    const outcomes: ExpireOutcome[] = [];
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
  const tick = (): Promise<ExpireOutcome[]> => {
    running ??= pass()
      .catch((error: unknown) => {
        // Logged, not thrown: the next tick retries (Postgres briefly away).
        log.error({ err: (error as Error).message }, 'deadline pass failed');
        return [];
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void tick();
  }, options.intervalMs);
  timer.unref();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
};
