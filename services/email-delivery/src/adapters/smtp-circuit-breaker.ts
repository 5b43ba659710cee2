import { type CircuitStateName, createCircuitBreaker } from '@express-quote/delivery-kit';
import type { EmailTransport } from './smtp.ts';

export interface GuardedTransport extends EmailTransport {
  circuitState(): CircuitStateName;
  /**
   * While the circuit is open: milliseconds until a probe may go through (0: the next call is the probe).
   * Null when it is not open.
   */
  circuitReopenInMs(): number | null;
}

/**
 * The transport behind delivery-kit's circuit breaker. Failures that say the server is in trouble (connection
 * refused, timeouts, 421/4xx replies) count; replies about one message (5xx) prove the server is up and never
 * open it. While open, sends fail fast with CircuitOpenError (nothing attempted).
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
  const breaker = createCircuitBreaker({
    provider: transport.provider,
    consecutiveFailures: options.consecutiveFailures,
    halfOpenAfterMs: options.halfOpenAfterMs,
    maxHalfOpenAfterMs: options.maxHalfOpenAfterMs,
    isProviderTrouble: options.isServerTrouble,
    onStateChange: options.onStateChange,
  });
  return {
    provider: transport.provider,
    circuitState: () => breaker.state(),
    circuitReopenInMs: () => breaker.reopenInMs(),
    send: (email, sendOptions = {}) =>
      breaker.execute(() => transport.send(email, sendOptions), sendOptions.signal),
    verify: () => transport.verify(),
    close: () => transport.close(),
  };
};
