import { type CircuitStateName, createCircuitBreaker } from '@express-quote/delivery-kit';
import { type SmsProvider, SmsProviderError } from './sms-provider.ts';

export interface GuardedSmsProvider extends SmsProvider {
  circuitState(): CircuitStateName;
}

/**
 * A circuit breaker per provider: failures that say the provider is in trouble (`unavailable`: network, 5xx, 429,
 * credentials) open it, and then sends fail fast with CircuitOpenError, so the chain goes straight to the next
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
  const breaker = createCircuitBreaker({
    ...options,
    provider: provider.name,
    isProviderTrouble: (error) => error instanceof SmsProviderError && error.kind === 'unavailable',
  });
  return {
    name: provider.name,
    canReach: (sms) => provider.canReach(sms),
    circuitState: () => breaker.state(),
    send: (sms, sendOptions) => breaker.execute(() => provider.send(sms, sendOptions)),
    ...(provider.close ? { close: () => provider.close!() } : {}),
  };
};
