/**
 * A failure worth another attempt later (provider timeout, database unavailable). The consumer runner naks the
 * message with `delayMs`, or with the consumer's backoff step when absent.
 */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  readonly delayMs: number | undefined;
  constructor(message: string, options: { delayMs?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.delayMs !== undefined && (!Number.isFinite(options.delayMs) || options.delayMs < 0)) {
      throw new TypeError(`RetryableError delayMs must be a non-negative number, got ${options.delayMs}`);
    }
    this.delayMs = options.delayMs;
  }
}

/**
 * A failure that no retry can fix (invalid phone number, unknown template). The consumer runner terminates the
 * message and records the reason in the DLQ.
 */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** A stream or consumer exists with a configuration that cannot be changed in place. */
export class TopologyConflictError extends Error {
  override readonly name = 'TopologyConflictError';
}
