import { createHash } from 'node:crypto';
import { type ParsedMail, simpleParser } from 'mailparser';

export interface CapturedAttachment {
  /** Position in the message, used in download URLs. */
  index: number;
  filename: string | null;
  contentType: string;
  size: number;
  sha256: string;
  content: Buffer;
}

export interface CapturedMail {
  /** Increasing number as a string; never reused, even after clear(). */
  id: string;
  receivedAt: string;
  /** What the client said in MAIL FROM / RCPT TO (what was really delivered), not the headers. */
  envelope: { from: string; to: string[] };
  messageId: string | null;
  subject: string | null;
  from: string | null;
  to: string[];
  cc: string[];
  text: string | null;
  html: string | null;
  headers: Record<string, string>;
  attachments: CapturedAttachment[];
  /** The message as received (RFC 5322), for .eml download and byte-level assertions. */
  raw: Buffer;
  size: number;
  /** Set when mailparser could not read the message; the raw bytes are still kept. */
  parseError: string | null;
}

/** One SMTP transaction as the sink saw it, accepted or refused: what tests count to prove retries. */
export interface DeliveryAttempt {
  at: string;
  from: string;
  to: string[];
  messageId: string | null;
  outcome: 'accepted' | 'rejected';
  /** SMTP reply code sent to the client. */
  code: number;
  stage: 'rcpt' | 'data';
  /** Captured message id when accepted. */
  mailId: string | null;
}

export interface MailFilter {
  /** Case-insensitive address among the envelope recipients. */
  to?: string | undefined;
  messageId?: string | undefined;
  subjectContains?: string | undefined;
}

const addressList = (value: ParsedMail['to']): string[] => {
  if (!value) return [];
  const objects = Array.isArray(value) ? value : [value];
  return objects.flatMap((o) => o.value.flatMap((a) => (a.address ? [a.address.toLowerCase()] : [])));
};

const headerText = (value: unknown): string => {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'text' in value && typeof value.text === 'string') {
    return value.text;
  }
  if (value && typeof value === 'object' && 'value' in value && typeof value.value === 'string') {
    return value.value;
  }
  return JSON.stringify(value);
};

const MESSAGE_ID_HEADER = /^message-id:[ \t]*(.+)$/im;

/** Reads the Message-ID from the header block without a full parse (cheap enough for every transaction). */
export const scanMessageId = (raw: Buffer): string | null => {
  const headerEnd = raw.indexOf('\r\n\r\n');
  const head = raw
    .subarray(0, headerEnd === -1 ? Math.min(raw.length, 16_384) : headerEnd)
    .toString('latin1');
  const match = MESSAGE_ID_HEADER.exec(head);
  return match?.[1] ? match[1].trim() : null;
};

const sha256 = (content: Buffer): string => createHash('sha256').update(content).digest('hex');

/**
 * Turns raw bytes into a captured mail. `parse: false` keeps only the envelope, size and Message-ID: a benchmark
 * measures the sender, not mailparser running in the same process.
 */
export const captureMail = async (
  id: string,
  raw: Buffer,
  envelope: CapturedMail['envelope'],
  parse: boolean,
): Promise<CapturedMail> => {
  const base: CapturedMail = {
    id,
    receivedAt: new Date().toISOString(),
    envelope,
    messageId: scanMessageId(raw),
    subject: null,
    from: null,
    to: [],
    cc: [],
    text: null,
    html: null,
    headers: {},
    attachments: [],
    raw,
    size: raw.length,
    parseError: null,
  };
  if (!parse) return base;
  try {
    const parsed = await simpleParser(raw, { skipImageLinks: true });
    const headers: Record<string, string> = {};
    for (const [key, value] of parsed.headers) headers[key] = headerText(value);
    return {
      ...base,
      messageId: parsed.messageId ?? base.messageId,
      subject: parsed.subject ?? null,
      from: parsed.from?.value[0]?.address?.toLowerCase() ?? null,
      to: addressList(parsed.to),
      cc: addressList(parsed.cc),
      text: parsed.text ?? null,
      html: typeof parsed.html === 'string' ? parsed.html : null,
      headers,
      attachments: parsed.attachments.map((a, index) => ({
        index,
        filename: a.filename ?? null,
        contentType: a.contentType,
        size: a.content.length,
        sha256: sha256(a.content),
        content: a.content,
      })),
    };
  } catch (error) {
    return { ...base, parseError: error instanceof Error ? error.message : String(error) };
  }
};

const matches = (mail: CapturedMail, filter: MailFilter | undefined): boolean => {
  if (!filter) return true;
  if (filter.to && !mail.envelope.to.includes(filter.to.toLowerCase())) return false;
  if (filter.messageId && mail.messageId !== filter.messageId) return false;
  if (filter.subjectContains && !(mail.subject ?? '').includes(filter.subjectContains)) return false;
  return true;
};

interface Waiter {
  check(): boolean;
}

/**
 * In-memory inbox bounded by `maxMessages` (oldest dropped first) so a long demo cannot grow without limit.
 * Also keeps every SMTP transaction (bounded the same way) so tests can count attempts and refusals.
 */
export class MailStore {
  readonly maxMessages: number;
  #messages: CapturedMail[] = [];
  #attempts: DeliveryAttempt[] = [];
  #sequence = 0;
  #waiters = new Set<Waiter>();

  constructor(options: { maxMessages?: number } = {}) {
    this.maxMessages = options.maxMessages ?? 10_000;
  }

  nextId(): string {
    this.#sequence += 1;
    return String(this.#sequence);
  }

  add(mail: CapturedMail): void {
    this.#messages.push(mail);
    if (this.#messages.length > this.maxMessages) this.#messages.shift();
    this.#notify();
  }

  recordAttempt(attempt: DeliveryAttempt): void {
    this.#attempts.push(attempt);
    if (this.#attempts.length > this.maxMessages * 2) this.#attempts.shift();
    this.#notify();
  }

  /** Captured messages in arrival order. */
  list(filter?: MailFilter): CapturedMail[] {
    return this.#messages.filter((m) => matches(m, filter));
  }

  get(id: string): CapturedMail | undefined {
    return this.#messages.find((m) => m.id === id);
  }

  attempts(filter?: { to?: string }): DeliveryAttempt[] {
    const to = filter?.to?.toLowerCase();
    return to ? this.#attempts.filter((a) => a.to.includes(to)) : [...this.#attempts];
  }

  get size(): number {
    return this.#messages.length;
  }

  clear(): void {
    this.#messages = [];
    this.#attempts = [];
  }

  /** Resolves with the matching messages once at least `count` of them were captured. */
  waitForMessages(
    count: number,
    options: { filter?: MailFilter; timeoutMs?: number } = {},
  ): Promise<CapturedMail[]> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        check: () => {
          // Cheap test first: a benchmark waits for thousands of messages, one check per arrival.
          if (this.#messages.length < count) return false;
          const found = this.list(options.filter);
          if (found.length < count) return false;
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(found);
          return true;
        },
      };
      if (waiter.check()) return;
      timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(
          new Error(
            `mail sink: expected ${count} message(s)${options.filter ? ` matching ${JSON.stringify(options.filter)}` : ''}, got ${this.list(options.filter).length} after ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter.check();
  }
}
