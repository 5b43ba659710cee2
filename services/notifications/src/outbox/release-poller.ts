import { startPeriodicTask } from '@express-quote/service-kit';
import type { Logger } from 'pino';
import { type ReleaseDeps, releaseDue } from './release-due.ts';

export interface ReleasePoller {
  /** Runs one pass now (tests, and the handlers' fast path uses releaseDue directly). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Releases what nobody released: messages whose documents never came (deadline passed → documentsMissing) and,
 * after a crash between storing a plan and publishing it, anything else already due. Safe with several instances
 * (rows are claimed with SKIP LOCKED). The reminder scheduler of a later issue gets its own poller of this shape.
 */
export const startReleasePoller = (
  deps: ReleaseDeps,
  options: { intervalMs: number; logger: Logger },
): ReleasePoller => {
  // Logged, not thrown: the next tick retries (NATS or Postgres briefly away).
  return startPeriodicTask({
    run: async () => {
      const released = await releaseDue(deps);
      if (released.length > 0) {
        options.logger.info(
          {
            released: released.length,
            documentsMissing: released.filter((r) => r.documentsMissing).length,
          },
          'release poller published due notifications',
        );
      }
    },
    intervalMs: options.intervalMs,
    fallback: undefined,
    logger: options.logger,
    failureMessage: 'release poller pass failed',
  });
};
