import type { Logger } from 'pino';

export interface PeriodicTask<T> {
  /** Runs one pass now; a call while a pass runs shares that pass. Never rejects: a failed pass gives `fallback`. */
  tick(): Promise<T>;
  /** Stops the timer and waits for the pass in progress. */
  stop(): Promise<void>;
}

export interface PeriodicTaskOptions<T> {
  /** One pass: a poll of a table, a read of JetStream state… */
  run: () => Promise<T>;
  intervalMs: number;
  /** What a failed pass resolves to; the next tick retries. */
  fallback: T;
  /** Logs failures (with the count of consecutive ones); none for best-effort tasks such as metrics. */
  logger?: Logger;
  /** The log message of a failed pass. */
  failureMessage?: string;
  /** Run a first pass at once instead of waiting for the first interval. */
  runAtStart?: boolean;
}

/**
 * Runs `run` every `intervalMs` (schedulers and pollers: nats-server 2.9 has no delayed messages, so due work lives
 * in Postgres rows). A slow pass is never overlapped by the next one, a failure is logged and retried at the next
 * tick instead of crashing the process, and the timer is unref'd so it never keeps a stopping process alive.
 */
export const startPeriodicTask = <T>(options: PeriodicTaskOptions<T>): PeriodicTask<T> => {
  if (!Number.isInteger(options.intervalMs) || options.intervalMs <= 0) {
    throw new TypeError(`intervalMs must be a positive integer (got ${options.intervalMs})`);
  }
  let running: Promise<T> | undefined;
  let stopped = false;
  let failures = 0;
  const tick = (): Promise<T> => {
    running ??= options
      .run()
      .then((value) => {
        failures = 0;
        return value;
      })
      .catch((error: unknown) => {
        failures++;
        options.logger?.error(
          { err: (error as Error).message, failures },
          options.failureMessage ?? 'periodic task failed',
        );
        return options.fallback;
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
  if (options.runAtStart) void tick();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
};
