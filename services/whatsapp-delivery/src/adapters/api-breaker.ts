import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  IsolatedCircuitError,
} from 'cockatiel';
import { WhatsAppApiError } from '../domain/graph-error.ts';
import type { CloudApi } from './cloud-api.ts';

export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
  constructor() {
    super('Cloud API circuit open: not contacted');
  }
}

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * A cockatiel breaker around every Cloud API call: after `consecutiveFailures` transient failures (unreachable,
 * 5xx, rate limits, token refused) calls fail fast until a probe succeeds, so a Meta outage costs each message one
 * quick nak instead of a timeout. Refusals of one message (window closed, invalid parameter) never open it.
 */
export const withApiBreaker = (
  api: CloudApi,
  options: {
    consecutiveFailures: number;
    halfOpenAfterMs: number;
    maxHalfOpenAfterMs: number;
    onStateChange?: (state: CircuitStateName) => void;
  },
): CloudApi & { circuitState(): CircuitStateName } => {
  const policy = circuitBreaker(
    handleWhen((error) => error instanceof WhatsAppApiError && error.kind === 'transient'),
    {
      halfOpenAfter: new ExponentialBackoff({
        initialDelay: options.halfOpenAfterMs,
        maxDelay: Math.max(options.halfOpenAfterMs, options.maxHalfOpenAfterMs),
      }),
      breaker: new ConsecutiveBreaker(options.consecutiveFailures),
    },
  );
  policy.onStateChange((state) => options.onStateChange?.(STATE_NAMES[state]));
  const guard = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await policy.execute(fn);
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError)
        throw new CircuitOpenError();
      throw error;
    }
  };
  return {
    circuitState: () => STATE_NAMES[policy.state],
    sendText: (...args) => guard(() => api.sendText(...args)),
    sendTemplate: (...args) => guard(() => api.sendTemplate(...args)),
    sendDocument: (...args) => guard(() => api.sendDocument(...args)),
    uploadMedia: (...args) => guard(() => api.uploadMedia(...args)),
  };
};
