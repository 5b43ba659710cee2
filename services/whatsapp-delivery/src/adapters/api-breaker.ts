import { type CircuitStateName, createCircuitBreaker } from '@express-quote/delivery-kit';
import { WhatsAppApiError } from '../domain/graph-error.ts';
import { PROVIDER } from '../domain/provider.ts';
import type { CloudApi } from './cloud-api.ts';

/**
 * A breaker around every Cloud API call: transient failures (unreachable, 5xx, rate limits, token refused) open
 * it, and then calls fail fast with CircuitOpenError, so a Meta outage costs each message one quick nak instead
 * of a timeout. Refusals of one message (window closed, invalid parameter) never open it.
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
  const breaker = createCircuitBreaker({
    ...options,
    provider: PROVIDER,
    isProviderTrouble: (error) => error instanceof WhatsAppApiError && error.kind === 'transient',
  });
  return {
    circuitState: () => breaker.state(),
    sendText: (...args) => breaker.execute(() => api.sendText(...args)),
    sendTemplate: (...args) => breaker.execute(() => api.sendTemplate(...args)),
    sendDocument: (...args) => breaker.execute(() => api.sendDocument(...args)),
    uploadMedia: (...args) => breaker.execute(() => api.uploadMedia(...args)),
  };
};
