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

export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

/** The breaker refused the call: the provider was not contacted. */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
  readonly provider: string;
  /** When the breaker will let a probe through (0: any moment now). */
  readonly reopenInMs: number;
  constructor(provider: string, reopenInMs: number) {
    super(`${provider}: circuit open, not contacted (probe in ${reopenInMs} ms)`);
    this.provider = provider;
    this.reopenInMs = reopenInMs;
  }
}

export interface CircuitBreaker {
  /** Runs `call` unless the circuit is open (then throws CircuitOpenError without calling). */
  execute<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  state(): CircuitStateName;
  /** While open: milliseconds until a probe may go through (0: the next call is the probe). Null otherwise. */
  reopenInMs(): number | null;
}

export interface CircuitBreakerOptions {
  /** Named in CircuitOpenError (the provider). */
  provider: string;
  consecutiveFailures: number;
  halfOpenAfterMs: number;
  maxHalfOpenAfterMs: number;
  /** Failures that say the provider is in trouble; a refusal of one message must not open the circuit. */
  isProviderTrouble: (error: unknown) => boolean;
  onStateChange?: (state: CircuitStateName) => void;
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
 * A cockatiel circuit breaker for one provider: after `consecutiveFailures` failures that say the provider is in
 * trouble, calls fail fast with CircuitOpenError for `halfOpenAfterMs` (doubling up to `maxHalfOpenAfterMs` while
 * probes fail); then one probe goes through (others wait for its verdict): success closes it, failure reopens it.
 */
export const createCircuitBreaker = (options: CircuitBreakerOptions): CircuitBreaker => {
  // cockatiel does not expose when the open circuit will let a probe through: follow it from our own backoff.
  let openedAt = 0;
  let openForMs = options.halfOpenAfterMs;
  const policy = circuitBreaker(handleWhen(options.isProviderTrouble), {
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
  const remaining = () => Math.max(0, openedAt + openForMs - Date.now());
  return {
    async execute(call, signal) {
      try {
        return await policy.execute(() => call(), signal);
      } catch (error) {
        if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
          throw new CircuitOpenError(options.provider, remaining());
        }
        throw error;
      }
    },
    state: () => STATE_NAMES[policy.state],
    reopenInMs: () => (policy.state === CircuitState.Open ? remaining() : null),
  };
};
