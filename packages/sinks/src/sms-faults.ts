/**
 * A failure an emulated provider gives instead of accepting: an HTTP status and, where the provider has them, its
 * own error code and text (Twilio 21211, Vonage status 7, Brevo invalid_parameter, Graph 131047…).
 */
export interface ProviderFault {
  status: number;
  code?: string | number;
  message?: string;
  /** Sent as Retry-After (seconds) where the provider does so. */
  retryAfterSeconds?: number;
}

export interface ProviderFaultsSnapshot {
  nextFailures: number;
  nextFault: ProviderFault | null;
  down: ProviderFault | null;
  rejectedRecipients: Array<{ to: string } & ProviderFault>;
  delayMs: number;
}

/**
 * Faults a test (or the demo) switches on to see how a sender behaves: the next n requests fail (429 then
 * success, 5xx…), every request fails (provider down), one recipient is refused for good, or answers are slow.
 */
export class ProviderFaults {
  #nextLeft = 0;
  #next: ProviderFault | null = null;
  #down: ProviderFault | null = null;
  #rejected = new Map<string, ProviderFault>();
  #delayMs = 0;

  failNext(count: number, fault: ProviderFault): void {
    if (!Number.isInteger(count) || count < 0)
      throw new Error('failNext: count must be a non-negative integer');
    this.#nextLeft = count;
    this.#next = fault;
  }

  /** Every request fails with `fault` until clear(). */
  failAll(fault: ProviderFault = { status: 503, message: 'Service Unavailable' }): void {
    this.#down = fault;
  }

  /** Requests to `to` (as the provider receives it: E.164 or digits) fail with `fault` until clear(). */
  rejectRecipient(to: string, fault: ProviderFault): void {
    this.#rejected.set(normalize(to), fault);
  }

  delay(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('delay: ms must be a non-negative number');
    this.#delayMs = ms;
  }

  clear(): void {
    this.#nextLeft = 0;
    this.#next = null;
    this.#down = null;
    this.#rejected.clear();
    this.#delayMs = 0;
  }

  get delayMs(): number {
    return this.#delayMs;
  }

  /** The fault for this request, if any (consumes one of the `failNext` failures). */
  take(to: string | null): ProviderFault | null {
    if (this.#down) return this.#down;
    if (this.#nextLeft > 0 && this.#next) {
      this.#nextLeft -= 1;
      return this.#next;
    }
    return to ? (this.#rejected.get(normalize(to)) ?? null) : null;
  }

  snapshot(): ProviderFaultsSnapshot {
    return {
      nextFailures: this.#nextLeft,
      nextFault: this.#next,
      down: this.#down,
      rejectedRecipients: [...this.#rejected].map(([to, fault]) => ({ to, ...fault })),
      delayMs: this.#delayMs,
    };
  }
}

/** "+33 6 12…", "33612…" and "+33612…" are the same recipient. */
const normalize = (to: string): string => to.replace(/[^\d]/g, '');
