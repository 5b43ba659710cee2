import { retryDelayMs } from '@express-quote/delivery-kit';

/**
 * While the circuit is open nothing is attempted: the message comes back when the breaker lets a probe through,
 * but never sooner than the normal backoff for this delivery (an outage should not burn the remaining
 * deliveries in a few seconds), spread by up to +20 % so a backlog does not return all at once.
 */
export const circuitOpenDelayMs = (options: {
  reopenInMs: number;
  backoffMs: readonly number[];
  deliveryCount: number;
  random?: () => number;
}): number =>
  retryDelayMs({
    backoffMs: options.backoffMs,
    deliveryCount: options.deliveryCount,
    atLeastMs: Math.max(options.reopenInMs, 100),
    random: options.random,
  });
