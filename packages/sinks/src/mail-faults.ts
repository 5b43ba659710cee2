/** An SMTP reply the sink gives instead of accepting. */
export interface SmtpReply {
  code: number;
  message: string;
}

export interface MailFaultsSnapshot {
  /** How many more DATA commands will be answered with `transientReply` (a temporary failure). */
  transientFailuresLeft: number;
  transientReply: SmtpReply;
  /** Recipients refused at RCPT TO (lower-case addresses), with the reply they get. */
  rejectedRecipients: Array<{ address: string } & SmtpReply>;
  /** Delay before answering DATA: simulates a slow server (and, above the client's timeout, a hung one). */
  dataDelayMs: number;
}

const DEFAULT_TRANSIENT: SmtpReply = {
  code: 451,
  message: 'Requested action aborted: local error (sink fault)',
};
const DEFAULT_PERMANENT: SmtpReply = { code: 550, message: 'Mailbox unavailable (sink fault)' };

/**
 * Faults a test (or the demo, through the HTTP API) switches on to see how a sender behaves. Stopping and
 * restarting the listener (connection refused) lives on the sink itself.
 */
export class MailFaults {
  #transientLeft = 0;
  #transientReply: SmtpReply = DEFAULT_TRANSIENT;
  #rejected = new Map<string, SmtpReply>();
  #dataDelayMs = 0;

  /** The next `count` messages are answered with a 4xx after DATA (default 451). */
  failNext(count: number, reply: Partial<SmtpReply> = {}): void {
    if (!Number.isInteger(count) || count < 0)
      throw new Error('failNext: count must be a non-negative integer');
    const code = reply.code ?? DEFAULT_TRANSIENT.code;
    if (code < 400 || code > 599) throw new Error('failNext: code must be an SMTP 4xx or 5xx reply');
    this.#transientLeft = count;
    this.#transientReply = { code, message: reply.message ?? DEFAULT_TRANSIENT.message };
  }

  /** Every message to `address` is refused at RCPT TO (default 550), until clear(). */
  rejectRecipient(address: string, reply: Partial<SmtpReply> = {}): void {
    this.#rejected.set(address.toLowerCase(), {
      code: reply.code ?? DEFAULT_PERMANENT.code,
      message: reply.message ?? DEFAULT_PERMANENT.message,
    });
  }

  delayData(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('delayData: ms must be a non-negative number');
    this.#dataDelayMs = ms;
  }

  clear(): void {
    this.#transientLeft = 0;
    this.#transientReply = DEFAULT_TRANSIENT;
    this.#rejected.clear();
    this.#dataDelayMs = 0;
  }

  /** Consumes one scheduled transient failure, if any. */
  takeTransientFailure(): SmtpReply | null {
    if (this.#transientLeft <= 0) return null;
    this.#transientLeft -= 1;
    return this.#transientReply;
  }

  recipientRejection(address: string): SmtpReply | null {
    return this.#rejected.get(address.toLowerCase()) ?? null;
  }

  get dataDelayMs(): number {
    return this.#dataDelayMs;
  }

  snapshot(): MailFaultsSnapshot {
    return {
      transientFailuresLeft: this.#transientLeft,
      transientReply: this.#transientReply,
      rejectedRecipients: [...this.#rejected].map(([address, reply]) => ({ address, ...reply })),
      dataDelayMs: this.#dataDelayMs,
    };
  }
}
