import {
  booleanFlag,
  commaList,
  commonConfig,
  durationMs,
  integer,
  port,
  secret,
} from '@express-quote/service-kit';
import { z } from 'zod';
import { domainOfAddress } from './domain/message-id.ts';

export const EmailDeliveryConfigSchema = z
  .object({
    ...commonConfig,
    PORT: port().default(3006).describe('HTTP port (health, readiness, metrics).'),
    SMTP_HOST: z.string().trim().min(1).describe('SMTP server host (the local mail sink: 127.0.0.1).'),
    SMTP_PORT: port()
      .default(587)
      .describe('SMTP port: 587 (STARTTLS), 465 (SMTP_SECURE=true), 1025 (mail sink).'),
    SMTP_SECURE: booleanFlag().default(false).describe('Implicit TLS from the first byte (port 465).'),
    SMTP_REQUIRE_TLS: booleanFlag()
      .default(false)
      .describe('Refuse to send when the server does not upgrade the connection with STARTTLS.'),
    SMTP_USER: z.string().trim().min(1).optional().describe('SMTP user; no authentication when unset.'),
    SMTP_PASSWORD: secret().optional().describe('SMTP password.'),
    SMTP_FROM: z
      .string()
      .trim()
      .refine(
        (v) => domainOfAddress(v) !== null,
        'must be an address, e.g. Express Quote <noreply@example.com>',
      )
      .describe('Sender, e.g. "Express Quote <noreply@express-quote.com>".'),
    SMTP_TLS_REJECT_UNAUTHORIZED: booleanFlag()
      .default(true)
      .describe('Verify the server certificate (false only for a test server with a self-signed one).'),
    SMTP_TLS_SERVERNAME: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe('TLS server name (SNI) when it differs from SMTP_HOST.'),
    SMTP_MAX_CONNECTIONS: integer(1, 100).default(5).describe('Pooled SMTP connections.'),
    SMTP_RATE_LIMIT_PER_SECOND: integer(0, 100_000)
      .default(10)
      .describe('Messages per second through the pool (0: no limit).'),
    SMTP_CONNECTION_TIMEOUT_MS: durationMs().default(10_000).describe('Time to establish a connection.'),
    SMTP_GREETING_TIMEOUT_MS: durationMs().default(10_000).describe('Time to wait for the server greeting.'),
    SMTP_SOCKET_TIMEOUT_MS: durationMs().default(30_000).describe('Inactivity allowed on a connection.'),
    SMTP_SEND_TIMEOUT_MS: durationMs()
      .default(60_000)
      .describe('Budget of one send, queueing in the pool included; past it the attempt counts as failed.'),
    SMTP_BREAKER_FAILURES: integer(1, 1000)
      .default(5)
      .describe('Consecutive server failures (connection, timeout, 4xx) that open the circuit breaker.'),
    SMTP_BREAKER_HALF_OPEN_MS: durationMs()
      .default(5_000)
      .describe(
        'How long the circuit stays open before one probe message is tried (doubles while probes fail).',
      ),
    SMTP_BREAKER_MAX_HALF_OPEN_MS: durationMs()
      .default(60_000)
      .describe('Upper bound of the open period while the SMTP server stays down.'),
    EMAIL_MESSAGE_ID_DOMAIN: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/, 'must be a domain name')
      .optional()
      .describe(
        'Domain of the Message-ID header (<notificationId@domain>); defaults to the domain of SMTP_FROM.',
      ),
    EMAIL_BRAND_NAME: z.string().trim().min(1).default('Express Quote').describe('Name shown in e-mails.'),
    EMAIL_CRITICAL_CONCURRENCY: integer(1, 100)
      .default(4)
      .describe(
        "CRITICAL priority messages handled at once: the customer's booking confirmation only (notify.email.critical has its own consumer, started first).",
      ),
    EMAIL_HIGH_CONCURRENCY: integer(1, 100)
      .default(4)
      .describe('HIGH priority messages handled at once (notify.email.high has its own consumer).'),
    EMAIL_NORMAL_CONCURRENCY: integer(1, 100)
      .default(3)
      .describe(
        'NORMAL priority messages at once; keep it below SMTP_MAX_CONNECTIONS so HIGH always finds room.',
      ),
    EMAIL_MAX_DELIVER: integer(2, 100)
      .default(5)
      .describe('Deliveries of one command before it is given up (notification.failed retriable + DLQ).'),
    EMAIL_BACKOFF_MS: commaList(durationMs())
      .default([1_000, 2_000, 4_000, 8_000])
      .describe('Delay before each retry, e.g. "1s,2s,4s,8s" (the last step repeats).'),
    EMAIL_ACK_WAIT_MS: durationMs()
      .default(90_000)
      .describe('JetStream ack wait of the consumers (longer than SMTP_SEND_TIMEOUT_MS).'),
    EMAIL_ATTACHMENT_CACHE_BYTES: integer(1, 4_294_967_296)
      .default(64 * 1024 * 1024)
      .describe('Encoded attachments kept in memory for the other recipients of the same document.'),
    DOCUMENTS_BUCKET: z
      .string()
      .trim()
      .min(1)
      .default('documents')
      .describe('Object Store bucket of the PDFs.'),
  })
  .refine((c) => c.EMAIL_ACK_WAIT_MS > c.SMTP_SEND_TIMEOUT_MS, {
    path: ['EMAIL_ACK_WAIT_MS'],
    message:
      'must be longer than SMTP_SEND_TIMEOUT_MS (a message must not be redelivered while still being sent)',
  });

export type EmailDeliveryConfig = z.output<typeof EmailDeliveryConfigSchema>;
