/** nak delay after the n-th failed delivery: the consumer's backoff table, its last step repeated. */
export const backoffDelayMs = (backoffMs: readonly number[], deliveryCount: number): number => {
  if (backoffMs.length === 0) throw new Error('backoff table is empty');
  return backoffMs[Math.min(Math.max(deliveryCount, 1) - 1, backoffMs.length - 1)]!;
};

/**
 * Delay of a transient failure: the backoff step, or longer when the provider asked for it (Retry-After) or the
 * breaker will not let a probe through sooner (`atLeastMs`), spread by up to +20 % so a backlog does not come
 * back all at once.
 */
export const retryDelayMs = (options: {
  backoffMs: readonly number[];
  deliveryCount: number;
  atLeastMs?: number | null;
  random?: () => number;
}): number => {
  const base = Math.max(backoffDelayMs(options.backoffMs, options.deliveryCount), options.atLeastMs ?? 0);
  return Math.round(base * (1 + 0.2 * (options.random ?? Math.random)()));
};
