/**
 * What an SMTP failure means for the message. Only the answer matters: a 5xx reply refuses *this* message
 * (no retry can change it), a 4xx or a broken connection says "not now".
 */
export interface SmtpFailure {
  kind: 'transient' | 'permanent';
  /** Short, log-safe description (no addresses: nodemailer puts recipients in some messages). */
  reason: string;
  /** Counts towards opening the circuit breaker: the server (not one recipient) is in trouble. */
  serverTrouble: boolean;
  responseCode: number | null;
  code: string | null;
}

// nodemailer's error codes for trouble reaching or talking to the server (not about one message).
const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EPROTOCOL',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ABORT_ERR',
  'EABORT',
]);

// Authentication failures are 5xx replies, but they say our credentials are wrong, not the message: retrying
// (and parking in the DLQ for a redrive once the secret is fixed) beats failing every notification for good.
const AUTH_CODES = new Set(['EAUTH', 'ENOAUTH']);
const AUTH_REPLIES = new Set([530, 534, 535, 538]);

const field = (error: unknown, key: string): unknown =>
  error !== null && typeof error === 'object' ? (error as Record<string, unknown>)[key] : undefined;

const EMAIL_IN_TEXT = /[^\s<>"'@]+@[^\s<>"']+/g;

/** Keeps the server's words for the status event and logs, without the addresses some replies echo back. */
const safeText = (text: string): string => text.replace(EMAIL_IN_TEXT, 'address').slice(0, 300);

export const classifySmtpError = (error: unknown): SmtpFailure => {
  const responseCode =
    typeof field(error, 'responseCode') === 'number' ? (field(error, 'responseCode') as number) : null;
  const code = typeof field(error, 'code') === 'string' ? (field(error, 'code') as string) : null;
  const name = typeof field(error, 'name') === 'string' ? (field(error, 'name') as string) : '';
  const response = typeof field(error, 'response') === 'string' ? (field(error, 'response') as string) : null;
  const message = error instanceof Error ? error.message : String(error);
  const reason = safeText(response ?? message);
  const base = { responseCode, code };

  if ((code && AUTH_CODES.has(code)) || (responseCode !== null && AUTH_REPLIES.has(responseCode))) {
    return {
      ...base,
      kind: 'transient',
      serverTrouble: true,
      reason: `SMTP authentication failed: ${reason}`,
    };
  }
  if (responseCode !== null && responseCode >= 500) {
    return { ...base, kind: 'permanent', serverTrouble: false, reason: `SMTP ${responseCode}: ${reason}` };
  }
  if (responseCode !== null && responseCode >= 400) {
    // A 4xx about one recipient (mailbox busy, greylisting) is not the server failing for everyone.
    const perRecipient = code === 'EENVELOPE';
    return {
      ...base,
      kind: 'transient',
      serverTrouble: !perRecipient,
      reason: `SMTP ${responseCode}: ${reason}`,
    };
  }
  if ((code && CONNECTION_CODES.has(code)) || name === 'AbortError' || name === 'TimeoutError') {
    return { ...base, kind: 'transient', serverTrouble: true, reason: `SMTP connection: ${reason}` };
  }
  if (code === 'EMESSAGE' || code === 'EENVELOPE') {
    // nodemailer could not build or address the message (no reply from the server): the input is at fault.
    return {
      ...base,
      kind: 'permanent',
      serverTrouble: false,
      reason: `message rejected before sending: ${reason}`,
    };
  }
  // Unknown: retry. Attempts are bounded by max_deliver and the DLQ keeps it for a person to look at.
  return { ...base, kind: 'transient', serverTrouble: true, reason: `SMTP error: ${reason}` };
};
