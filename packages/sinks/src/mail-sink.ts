import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { MailFaults, type SmtpReply } from './mail-faults.ts';
import { buildMailInbox } from './mail-inbox-http.ts';
import {
  type CapturedMail,
  captureMail,
  type DeliveryAttempt,
  type MailFilter,
  MailStore,
  scanMessageId,
} from './mail-store.ts';

export interface MailSinkOptions {
  /** Interface both listeners bind to. */
  host?: string;
  /** 0 (default) picks a free port; the port is kept across stopSmtp()/startSmtp(). */
  smtpPort?: number;
  /** 0 (default) picks a free port; null runs no HTTP inbox. */
  httpPort?: number | null;
  maxMessages?: number;
  /** Parse every message with mailparser (default). Off for benchmarks: only envelope, size and Message-ID. */
  parse?: boolean;
  /** Messages above this size are refused with 552. */
  maxMessageBytes?: number;
  logger?: Logger;
}

export interface MailSink {
  readonly host: string;
  readonly smtpPort: number;
  readonly httpPort: number | null;
  /** e.g. http://127.0.0.1:8025, null without HTTP. */
  readonly httpUrl: string | null;
  readonly store: MailStore;
  readonly faults: MailFaults;
  readonly smtpRunning: boolean;
  messages(filter?: MailFilter): CapturedMail[];
  waitForMessages(
    count: number,
    options?: { filter?: MailFilter; timeoutMs?: number },
  ): Promise<CapturedMail[]>;
  attempts(filter?: { to?: string }): DeliveryAttempt[];
  /** Forgets captured messages and attempts, and switches every fault off. */
  reset(): void;
  /** Closes the SMTP listener and its open connections: clients get "connection refused" until startSmtp(). */
  stopSmtp(): Promise<void>;
  startSmtp(): Promise<void>;
  close(): Promise<void>;
}

const smtpError = (reply: SmtpReply): Error & { responseCode: number } =>
  Object.assign(new Error(reply.message), { responseCode: reply.code });

const readAll = (stream: SMTPServerDataStream): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A real SMTP server (smtp-server) that captures every accepted message, with a web inbox and controllable
 * faults. Plain SMTP without TLS (like mailpit): any AUTH is accepted so sender configs with credentials work.
 */
export const startMailSink = async (options: MailSinkOptions = {}): Promise<MailSink> => {
  const host = options.host ?? '127.0.0.1';
  const parse = options.parse ?? true;
  const maxMessageBytes = options.maxMessageBytes ?? 25 * 1024 * 1024;
  const logger = options.logger;
  const store = new MailStore({ maxMessages: options.maxMessages ?? 10_000 });
  const faults = new MailFaults();
  let smtpPort = options.smtpPort ?? 0;
  let server: SMTPServer | null = null;

  const envelopeOf = (session: SMTPServerSession) => ({
    from: session.envelope.mailFrom ? session.envelope.mailFrom.address.toLowerCase() : '',
    to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
  });

  const onData = async (stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> => {
    const raw = await readAll(stream);
    const envelope = envelopeOf(session);
    const attempt = (outcome: DeliveryAttempt['outcome'], code: number, mailId: string | null) =>
      store.recordAttempt({
        at: new Date().toISOString(),
        ...envelope,
        messageId: scanMessageId(raw),
        outcome,
        code,
        stage: 'data',
        mailId,
      });
    if (stream.sizeExceeded) {
      attempt('rejected', 552, null);
      throw smtpError({ code: 552, message: `Message exceeds ${maxMessageBytes} bytes` });
    }
    if (faults.dataDelayMs > 0) await sleep(faults.dataDelayMs);
    const failure = faults.takeTransientFailure();
    if (failure) {
      attempt('rejected', failure.code, null);
      throw smtpError(failure);
    }
    const mail = await captureMail(store.nextId(), raw, envelope, parse);
    store.add(mail);
    attempt('accepted', 250, mail.id);
    logger?.debug({ mailId: mail.id, bytes: raw.length, recipients: envelope.to.length }, 'mail captured');
    return `Ok: queued as ${mail.id}`;
  };

  const createServer = () =>
    new SMTPServer({
      banner: 'Express Quote mail sink',
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      size: maxMessageBytes,
      logger: false,
      // a stopped sink must refuse quickly, not hold pooled connections for the default 30 s
      closeTimeout: 100,
      onAuth(auth, _session, callback) {
        callback(null, { user: auth.username ?? 'anonymous' });
      },
      onRcptTo(address, session, callback) {
        const reply = faults.recipientRejection(address.address);
        if (!reply) return callback();
        store.recordAttempt({
          at: new Date().toISOString(),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address.toLowerCase() : '',
          to: [address.address.toLowerCase()],
          messageId: null,
          outcome: 'rejected',
          code: reply.code,
          stage: 'rcpt',
          mailId: null,
        });
        callback(smtpError(reply));
      },
      onData(stream, session, callback) {
        onData(stream, session).then(
          (message) => callback(null, message),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      },
    });

  const startSmtp = async () => {
    if (server) return;
    const next = createServer();
    next.on('error', (error) => logger?.warn({ err: error }, 'mail sink SMTP error'));
    await new Promise<void>((resolve, reject) => {
      next.server.once('error', reject);
      next.listen(smtpPort, host, () => {
        next.server.off('error', reject);
        resolve();
      });
    });
    smtpPort = (next.server.address() as AddressInfo).port;
    server = next;
  };

  const stopSmtp = async () => {
    const current = server;
    if (!current) return;
    server = null;
    await new Promise<void>((resolve) => current.close(() => resolve()));
  };

  await startSmtp();

  let http: FastifyInstance | null = null;
  let httpPort: number | null = null;
  const sink: MailSink = {
    host,
    get smtpPort() {
      return smtpPort;
    },
    get httpPort() {
      return httpPort;
    },
    get httpUrl() {
      return httpPort === null ? null : `http://${host}:${httpPort}`;
    },
    store,
    faults,
    get smtpRunning() {
      return server !== null;
    },
    messages: (filter) => store.list(filter),
    waitForMessages: (count, waitOptions) => store.waitForMessages(count, waitOptions),
    attempts: (filter) => store.attempts(filter),
    reset() {
      store.clear();
      faults.clear();
    },
    stopSmtp,
    startSmtp,
    async close() {
      await stopSmtp();
      await http?.close();
    },
  };

  if (options.httpPort !== null) {
    try {
      http = buildMailInbox({ sink, ...(logger ? { logger } : {}) });
      await http.listen({ port: options.httpPort ?? 0, host });
      httpPort = (http.server.address() as AddressInfo).port;
    } catch (error) {
      await stopSmtp();
      throw error;
    }
  }
  return sink;
};
