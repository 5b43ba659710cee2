import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp';
import type { SMTPPoolOptions } from 'nodemailer/lib/smtp-pool';
import type { PreparedAttachment } from './object-store-attachments.ts';

export interface OutgoingEmail {
  to: { name: string | null; address: string };
  subject: string;
  html: string;
  text: string;
  /** `<notificationId@domain>`: the same on every attempt. */
  messageId: string;
  priority: 'high' | 'normal';
  headers: Record<string, string>;
  attachments: readonly PreparedAttachment[];
}

export interface SendReceipt {
  /** The Message-ID the server accepted. */
  messageId: string;
  /** The server's final reply, e.g. `250 Ok: queued as 1A2B3C`. */
  response: string;
  accepted: string[];
  rejected: string[];
}

/** The small interface the handler sends through; SMTP here, another provider could sit behind it. */
export interface EmailTransport {
  readonly provider: string;
  send(email: OutgoingEmail, options?: { signal?: AbortSignal }): Promise<SendReceipt>;
  /** Opens a connection and says hello (and authenticates): for start-up logs and diagnostics. */
  verify(): Promise<void>;
  close(): void;
}

export interface SmtpSettings {
  host: string;
  port: number;
  /** Implicit TLS (port 465). Otherwise STARTTLS is used when the server offers it. */
  secure: boolean;
  /** Refuse to send over a connection that could not be upgraded with STARTTLS. */
  requireTls: boolean;
  user?: string | undefined;
  password?: string | undefined;
  /** `Express Quote <noreply@express-quote.com>` */
  from: string;
  tlsRejectUnauthorized: boolean;
  tlsServername?: string | undefined;
  maxConnections: number;
  /** Messages per second across the pool; 0: no limit. */
  rateLimitPerSecond: number;
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
}

/**
 * A body as its finished MIME part, encoded by nodemailer's own quoted-printable functions: the same bytes
 * nodemailer writes for a French body. Handed over as `raw`, nodemailer neither scans the body again to choose an
 * encoding nor runs it through an encoder stream pipeline (whose teardown builds an AbortError every time):
 * 3.05 → 2.74 ms CPU per e-mail with 1 to 3 PDFs into a local SMTP server, 5.8 → 4.8 ms per send.
 */
const qpPart = (type: string, body: string): string =>
  `Content-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${qpWrap(qpEncode(body), 76)}`;

class SmtpRejectedError extends Error {
  override readonly name = 'SmtpRejectedError';
  readonly responseCode: number;
  readonly code = 'EENVELOPE';
  constructor(message: string, responseCode: number) {
    super(message);
    this.responseCode = responseCode;
  }
}

/**
 * nodemailer's SMTP pool: `maxConnections` connections reused across messages, `rateLimitPerSecond` messages per
 * second, and no requeue of its own (`maxRequeues: 0`): a failed send fails at once and JetStream owns the retry
 * (with its backoff, its delivery count and the DLQ), so a message is never retried twice over.
 */
export const createSmtpTransport = (settings: SmtpSettings): EmailTransport => {
  const options: SMTPPoolOptions = {
    pool: true,
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: settings.requireTls,
    ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
    tls: {
      rejectUnauthorized: settings.tlsRejectUnauthorized,
      ...(settings.tlsServername ? { servername: settings.tlsServername } : {}),
    },
    maxConnections: settings.maxConnections,
    maxMessages: 1000,
    maxRequeues: 0,
    ...(settings.rateLimitPerSecond > 0 ? { rateLimit: settings.rateLimitPerSecond, rateDelta: 1000 } : {}),
    connectionTimeout: settings.connectionTimeoutMs,
    greetingTimeout: settings.greetingTimeoutMs,
    socketTimeout: settings.socketTimeoutMs,
    // Messages are built from our templates and pre-encoded attachments only: never read files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  };
  const transporter: Transporter = nodemailer.createTransport(options);

  return {
    provider: 'smtp',
    async send(email, sendOptions = {}) {
      const message: SendMailOptions = {
        from: settings.from,
        to: email.to.name ? { name: email.to.name, address: email.to.address } : email.to.address,
        subject: email.subject,
        html: { raw: qpPart('text/html', email.html) },
        text: { raw: qpPart('text/plain', email.text) },
        messageId: email.messageId,
        priority: email.priority,
        headers: email.headers,
        // Headers with accents (subject, names) in Q encoding, said rather than detected per header.
        textEncoding: 'quoted-printable',
        attachments: email.attachments.map((a) => ({ raw: a.raw })),
        ...(sendOptions.signal ? { signal: sendOptions.signal } : {}),
      };
      const info = await transporter.sendMail(message);
      const accepted = (info.accepted ?? []).map(String);
      const rejected = (info.rejected ?? []).map(String);
      // One recipient per notification: "sent" means that recipient was accepted.
      if (accepted.length === 0) {
        throw new SmtpRejectedError(`recipient refused: ${String(info.response ?? '')}`, 550);
      }
      return {
        messageId: String(info.messageId ?? email.messageId),
        response: String(info.response ?? ''),
        accepted,
        rejected,
      };
    },
    async verify() {
      await transporter.verify();
    },
    close() {
      transporter.close();
    },
  };
};
