import { commaList, commonConfig, durationMs, integer, port, secret } from '@express-quote/service-kit';
import { z } from 'zod';

const withoutSpaces = (raw: string) => raw.replace(/\s+/g, '');

export const DocumentsConfigSchema = z.object({
  ...commonConfig,
  PORT: port().default(3003).describe('HTTP port: signed document links, health, readiness and metrics.'),
  DOCUMENTS_URL_SECRET: secret()
    .pipe(z.string().min(32, 'must be at least 32 characters'))
    .meta({
      secret: true,
      description:
        'HMAC-SHA256 key of the signed document links (GET /api/documents/<key>?expires=…&signature=…); the ' +
        'notifications service signs with the same value.',
    }),
  COMPANY_NAME: z
    .string()
    .trim()
    .min(1)
    .describe('Issuer name printed on every document, e.g. "Express Quote SAS".'),
  COMPANY_ADDRESS: commaList(z.string()).describe(
    'Issuer postal address, one printed line per comma-separated item, e.g. "12 rue de la Paix, 75002 Paris".',
  ),
  COMPANY_SIRET: z
    .string()
    .transform(withoutSpaces)
    .pipe(z.string().regex(/^\d{14}$/, 'must be a SIRET: 14 digits'))
    .describe('Issuer SIRET (14 digits, spaces allowed), printed on invoices.'),
  COMPANY_VAT_NUMBER: z
    .string()
    .transform((raw) => withoutSpaces(raw).toUpperCase())
    .pipe(
      z
        .string()
        .regex(/^[A-Z]{2}[0-9A-Z]{2,13}$/, 'must be an intra-community VAT number, e.g. FR12123456789'),
    )
    .describe('Issuer intra-community VAT number, printed on invoices.'),
  COMPANY_EMAIL: z
    .email()
    .optional()
    .describe('Contact e-mail printed in the header and on the confirmation.'),
  COMPANY_PHONE: z.string().trim().min(1).optional().describe('Contact phone printed in the header.'),
  COMPANY_WEBSITE: z.string().trim().min(1).optional().describe('Web site printed in the header.'),
  COMPANY_LEGAL_MENTION: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe(
      'Legal form, capital and RCS, printed in the footer, e.g. "SAS au capital de 10 000 € – RCS Paris …".',
    ),
  COMPANY_LOGO_PATH: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe('PNG or JPEG logo shown instead of the company name in the header (read once at start).'),
  RENDER_THREADS: integer(1, 64)
    .optional()
    .describe('Worker threads rendering PDFs; default: the number of CPUs available to the process.'),
  CONSUMER_CONCURRENCY: integer(1, 256)
    .default(8)
    .describe('Source events handled at once per consumer (their PDFs share the render threads).'),
  CONSUMER_MAX_DELIVER: integer(2, 100)
    .default(8)
    .describe('Deliveries of a source event before it goes to the DLQ (transient failures: NATS, Postgres).'),
  CONSUMER_BACKOFF_MS: commaList(durationMs())
    .default([1_000, 5_000, 15_000, 60_000, 300_000])
    .describe(
      'Delay before each redelivery after a transient failure, comma-separated (e.g. "1s,5s,15s,1m,5m").',
    ),
  CONSUMER_ACK_WAIT_MS: durationMs()
    .default(30_000)
    .describe(
      'Time a delivery may stay unacknowledged before JetStream redelivers it (heartbeats extend it).',
    ),
  DOCUMENTS_BUCKET_MAX_BYTES: integer(-1, Number.MAX_SAFE_INTEGER)
    .default(-1)
    .describe(
      'Size cap of the documents Object Store bucket in bytes (-1: none). Puts beyond it are refused.',
    ),
});

export type DocumentsConfig = z.output<typeof DocumentsConfigSchema>;
