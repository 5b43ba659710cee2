/** nak delay after the n-th failed delivery: the consumer's backoff table, its last step repeated. */
export const backoffDelayMs = (backoffMs: readonly number[], deliveryCount: number): number => {
  if (backoffMs.length === 0) throw new Error('backoff table is empty');
  return backoffMs[Math.min(Math.max(deliveryCount, 1) - 1, backoffMs.length - 1)]!;
};

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
}): number => {
  const base = Math.max(options.reopenInMs, backoffDelayMs(options.backoffMs, options.deliveryCount), 100);
  const random = options.random ?? Math.random;
  return Math.round(base * (1 + 0.2 * random()));
};
