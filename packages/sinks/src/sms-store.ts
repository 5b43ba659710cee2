import { EventEmitter } from 'node:events';
import { SegmentedMessage } from 'sms-segments-calculator';

export type SmsProviderKind = 'twilio' | 'vonage' | 'brevo' | 'free-mobile' | 'whatsapp';

/** One message a provider emulator accepted. */
export interface CapturedSms {
  /** The id the emulator answered with (Twilio SID, Vonage message-id, Brevo messageId, WhatsApp wamid). */
  id: string;
  provider: SmsProviderKind;
  /** As the client sent it (E.164 for Twilio; digits for Vonage, Brevo and WhatsApp). */
  to: string;
  from: string | null;
  text: string;
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  receivedAt: string;
  /** Provider-specific details: status callback URL, WhatsApp message type, template, document… */
  meta: Record<string, unknown>;
  /** Latest status reported back to the sender (callbacks, webhooks). */
  status: string;
}

export interface SmsFilter {
  provider?: SmsProviderKind;
  /** Digits compared, so "+33612345678" matches "33612345678". */
  to?: string;
  textIncludes?: string;
}

const digits = (s: string) => s.replace(/[^\d]/g, '');

/** What every emulator captured, in arrival order; bounded (oldest dropped). */
export class SmsStore {
  readonly #messages: CapturedSms[] = [];
  readonly #events = new EventEmitter();
  readonly #max: number;

  constructor(options: { maxMessages?: number } = {}) {
    this.#max = options.maxMessages ?? 10_000;
    this.#events.setMaxListeners(0);
  }

  add(
    message: Omit<CapturedSms, 'encoding' | 'segments' | 'receivedAt' | 'status'> & { status?: string },
  ): CapturedSms {
    const measured = new SegmentedMessage(message.text);
    const captured: CapturedSms = {
      ...message,
      encoding: measured.encodingName,
      segments: measured.segmentsCount,
      receivedAt: new Date().toISOString(),
      status: message.status ?? 'accepted',
    };
    this.#messages.push(captured);
    if (this.#messages.length > this.#max) this.#messages.shift();
    this.#events.emit('message', captured);
    return captured;
  }

  get(id: string): CapturedSms | undefined {
    return this.#messages.find((m) => m.id === id);
  }

  setStatus(id: string, status: string): void {
    const message = this.get(id);
    if (message) message.status = status;
  }

  list(filter: SmsFilter = {}): CapturedSms[] {
    return this.#messages.filter(
      (m) =>
        (!filter.provider || m.provider === filter.provider) &&
        (!filter.to || digits(m.to) === digits(filter.to)) &&
        (!filter.textIncludes || m.text.includes(filter.textIncludes)),
    );
  }

  get size(): number {
    return this.#messages.length;
  }

  onMessage(listener: (message: CapturedSms) => void): () => void {
    this.#events.on('message', listener);
    return () => this.#events.off('message', listener);
  }

  /** Resolves with the matching messages once there are at least `count` of them. */
  waitFor(count: number, options: { filter?: SmsFilter; timeoutMs?: number } = {}): Promise<CapturedSms[]> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.list(options.filter);
        if (found.length < count) return false;
        cleanup();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `expected ${count} SMS matching ${JSON.stringify(options.filter ?? {})}, got ${this.list(options.filter).length}`,
          ),
        );
      }, timeoutMs);
      const off = this.onMessage(() => {
        check();
      });
      const cleanup = () => {
        clearTimeout(timer);
        off();
      };
      check();
    });
  }

  clear(): void {
    this.#messages.length = 0;
  }
}
