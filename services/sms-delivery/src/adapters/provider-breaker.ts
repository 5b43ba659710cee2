import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  IsolatedCircuitError,
} from 'cockatiel';
import { type SmsProvider, SmsProviderError, type SmsReceipt } from './sms-provider.ts';

export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

/** The breaker refused the call: the provider was not contacted. */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
  readonly provider: string;
  constructor(provider: string) {
    super(`${provider}: circuit open, not contacted`);
    this.provider = provider;
  }
}

export interface GuardedSmsProvider extends SmsProvider {
  circuitState(): CircuitStateName;
}

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * A cockatiel circuit breaker per provider: after `consecutiveFailures` failures that say the provider is in
 * trouble (`unavailable`: network, 5xx, 429, credentials), calls fail fast with CircuitOpenError for
 * `halfOpenAfterMs` (doubling up to `maxHalfOpenAfterMs` while probes fail), so the chain goes straight to the next
 * provider instead of waiting for timeouts. A refusal of one number or one message never opens it.
 */
export const withBreaker = (
  provider: SmsProvider,
  options: {
    consecutiveFailures: number;
    halfOpenAfterMs: number;
    maxHalfOpenAfterMs: number;
    onStateChange?: (state: CircuitStateName) => void;
  },
): GuardedSmsProvider => {
  const policy = circuitBreaker(
    handleWhen((error) => error instanceof SmsProviderError && error.kind === 'unavailable'),
    {
      halfOpenAfter: new ExponentialBackoff({
        initialDelay: options.halfOpenAfterMs,
        maxDelay: Math.max(options.halfOpenAfterMs, options.maxHalfOpenAfterMs),
      }),
      breaker: new ConsecutiveBreaker(options.consecutiveFailures),
    },
  );
  policy.onStateChange((state) => options.onStateChange?.(STATE_NAMES[state]));
  return {
    name: provider.name,
    canReach: (sms) => provider.canReach(sms),
    circuitState: () => STATE_NAMES[policy.state],
    async send(sms, sendOptions): Promise<SmsReceipt> {
      try {
        return await policy.execute(() => provider.send(sms, sendOptions));
      } catch (error) {
        if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
          throw new CircuitOpenError(provider.name);
        }
        throw error;
      }
    },
    ...(provider.close ? { close: () => provider.close!() } : {}),
  };
};
