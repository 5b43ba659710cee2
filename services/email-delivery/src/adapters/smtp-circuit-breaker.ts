import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type IBackoff,
  type IBackoffFactory,
  IsolatedCircuitError,
} from 'cockatiel';
import type { EmailTransport } from './smtp.ts';

export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

/** The breaker refused the call: nothing was attempted. */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
  /** When the breaker will let a probe through (0: any moment now). */
  readonly reopenInMs: number;
  constructor(reopenInMs: number) {
    super(`SMTP circuit open: no attempt made, probe in ${reopenInMs} ms`);
    this.reopenInMs = reopenInMs;
  }
}

export interface GuardedTransport extends EmailTransport {
  circuitState(): CircuitStateName;
  /**
   * While the circuit is open: milliseconds until a probe may go through (0: the next call is the probe).
   * Null when it is not open.
   */
  circuitReopenInMs(): number | null;
}

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * How long the circuit stays open: `initialMs` after it opens, doubled after each failed probe up to `maxMs`, so
 * a long outage is probed less and less often (and the messages it delays burn fewer deliveries).
 */
const growingHalfOpenDelay = (
  initialMs: number,
  maxMs: number,
  onOpenFor: (ms: number) => void,
): IBackoffFactory<unknown> => {
  const step = (duration: number): IBackoff<unknown> => ({
    duration,
    next() {
      const longer = Math.min(maxMs, duration * 2);
      onOpenFor(longer);
      return step(longer);
    },
  });
  return {
    next() {
      onOpenFor(initialMs);
      return step(initialMs);
    },
  };
};

/**
 * A cockatiel circuit breaker around the transport. After `consecutiveFailures` failures that say the server is
 * in trouble (connection refused, timeouts, 421/4xx replies), calls fail fast with CircuitOpenError for
 * `halfOpenAfterMs` (growing to `maxHalfOpenAfterMs` while probes keep failing); then one probe goes through (others
 * wait for its verdict): success closes the circuit, a failure opens it again. Replies about one message (5xx) prove the server is up and never open it.
 */
export const withCircuitBreaker = (
  transport: EmailTransport,
  options: {
    consecutiveFailures: number;
    halfOpenAfterMs: number;
    maxHalfOpenAfterMs: number;
    isServerTrouble: (error: unknown) => boolean;
    onStateChange?: (state: CircuitStateName) => void;
  },
): GuardedTransport => {
  // cockatiel does not expose when the open circuit will let a probe through: follow it from our own backoff.
  let openedAt = 0;
  let openForMs = options.halfOpenAfterMs;
  const policy = circuitBreaker(handleWhen(options.isServerTrouble), {
    halfOpenAfter: growingHalfOpenDelay(
      options.halfOpenAfterMs,
      Math.max(options.halfOpenAfterMs, options.maxHalfOpenAfterMs),
      (ms) => {
        openForMs = ms;
      },
    ),
    breaker: new ConsecutiveBreaker(options.consecutiveFailures),
  });
  policy.onBreak(() => {
    openedAt = Date.now();
  });
  policy.onStateChange((state) => options.onStateChange?.(STATE_NAMES[state]));
  const reopenInMs = () => Math.max(0, openedAt + openForMs - Date.now());

  return {
    provider: transport.provider,
    circuitState: () => STATE_NAMES[policy.state],
    circuitReopenInMs: () => (policy.state === CircuitState.Open ? reopenInMs() : null),
    async send(email, sendOptions = {}) {
      try {
        return await policy.execute(() => transport.send(email, sendOptions), sendOptions.signal);
      } catch (error) {
        if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
          throw new CircuitOpenError(reopenInMs());
        }
        throw error;
      }
    },
    verify: () => transport.verify(),
    close: () => transport.close(),
  };
};
