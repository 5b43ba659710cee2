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
  let running: Promise<void> | undefined;
  let stopped = false;
  let failures = 0;
  const tick = (): Promise<void> => {
    running ??= releaseDue(deps)
      .then((released) => {
        failures = 0;
        if (released.length > 0) {
          options.logger.info(
            {
              released: released.length,
              documentsMissing: released.filter((r) => r.documentsMissing).length,
            },
            'release poller published due notifications',
          );
        }
      })
      .catch((error: unknown) => {
        failures++;
        // Logged, not thrown: the next tick retries (NATS or Postgres briefly away).
        options.logger.error({ err: (error as Error).message, failures }, 'release poller pass failed');
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
