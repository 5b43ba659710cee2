import { commaList, commonConfig, durationMs, integer, port, secret, url } from '@express-quote/service-kit';
import { getCountries } from 'libphonenumber-js/max';
import { z } from 'zod';

const COUNTRIES = new Set<string>(getCountries());

/** "utility=30000,marketing=110000" → { utility: 30000, marketing: 110000 } */
const priceTable = () =>
  commaList(z.string().regex(/^[a-z_]+=\d+$/, 'must be category=micros pairs, e.g. utility=30000')).transform(
    (pairs) =>
      Object.fromEntries(pairs.map((p) => p.split('=')).map(([k, v]) => [k!, Number(v)])) as Record<
        string,
        number
      >,
  );

export const WhatsAppDeliveryConfigSchema = z
  .object({
    ...commonConfig,
    PORT: port().default(3008).describe('HTTP port (Meta webhooks, health, readiness, metrics).'),
    WHATSAPP_API_BASE_URL: url(['http', 'https'])
      .default('https://graph.facebook.com')
      .describe('Graph API origin (the local emulator in tests and the demo).'),
    WHATSAPP_GRAPH_VERSION: z
      .string()
      .trim()
      .regex(/^v\d+\.\d+$/, 'must look like v23.0')
      .default('v23.0')
      .describe("Graph API version (the seed's v18.0 is retired)."),
    WHATSAPP_ACCESS_TOKEN: secret()
      .optional()
      .describe(
        'System user access token of the WhatsApp Business account. The four WHATSAPP credentials go together; none: WhatsApp disabled (notify.whatsapp.* waits in the stream).',
      ),
    WHATSAPP_PHONE_NUMBER_ID: z
      .string()
      .trim()
      .regex(/^\d+$/, 'must be the numeric phone number id')
      .optional()
      .describe('Business phone number id.'),
    WHATSAPP_APP_SECRET: secret()
      .optional()
      .describe('App secret: verifies X-Hub-Signature-256 of webhooks.'),
    WHATSAPP_VERIFY_TOKEN: secret()
      .optional()
      .describe('Token Meta echoes when it checks the webhook subscription (GET).'),
    WHATSAPP_TEMPLATE_LANGUAGE: z
      .string()
      .trim()
      .min(2)
      .default('fr')
      .describe('Language code of the approved templates.'),
    WHATSAPP_BRAND_NAME: z
      .string()
      .trim()
      .min(1)
      .default('Express Quote')
      .describe('Company name in the texts.'),
    WHATSAPP_DEFAULT_COUNTRY: z
      .string()
      .trim()
      .toUpperCase()
      .refine((c) => COUNTRIES.has(c), 'must be an ISO 3166 country code such as FR')
      .default('FR')
      .describe('Country of numbers written without their international prefix.'),
    WHATSAPP_PRICE_MICROS: priceTable()
      .default({ utility: 30_000, marketing: 110_000, authentication: 50_000, service: 0 })
      .describe(
        'Price per message by pricing category in EUR micros (webhooks give the category, not the amount).',
      ),
    WHATSAPP_SEND_TIMEOUT_MS: durationMs().default(10_000).describe('Budget of one API call.'),
    WHATSAPP_BREAKER_FAILURES: integer(1, 1000)
      .default(5)
      .describe('Consecutive API failures that open the circuit.'),
    WHATSAPP_BREAKER_HALF_OPEN_MS: durationMs()
      .default(10_000)
      .describe('How long an open circuit waits before a probe.'),
    WHATSAPP_BREAKER_MAX_HALF_OPEN_MS: durationMs()
      .default(120_000)
      .describe('Upper bound of the open period.'),
    WHATSAPP_CRITICAL_CONCURRENCY: integer(1, 100)
      .default(4)
      .describe(
        "CRITICAL priority messages handled at once: the customer's booking confirmation only (own consumer, started first).",
      ),
    WHATSAPP_HIGH_CONCURRENCY: integer(1, 100).default(4).describe('HIGH priority messages handled at once.'),
    WHATSAPP_NORMAL_CONCURRENCY: integer(1, 100)
      .default(2)
      .describe('NORMAL priority messages handled at once.'),
    WHATSAPP_MAX_DELIVER: integer(2, 100)
      .default(6)
      .describe('Deliveries of one command before it is given up.'),
    WHATSAPP_BACKOFF_MS: commaList(durationMs())
      .default([2_000, 10_000, 60_000, 300_000])
      .describe('Delay before each retry (rate limits, 5xx), e.g. "2s,10s,1m" (the last step repeats).'),
    WHATSAPP_ACK_WAIT_MS: durationMs().default(60_000).describe('JetStream ack wait of the consumers.'),
    DOCUMENTS_BUCKET: z
      .string()
      .trim()
      .min(1)
      .default('documents')
      .describe('Object Store bucket of the PDFs.'),
  })
  .superRefine((c, ctx) => {
    if (c.WHATSAPP_ACK_WAIT_MS <= 3 * c.WHATSAPP_SEND_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['WHATSAPP_ACK_WAIT_MS'],
        message:
          'must be longer than 3 × WHATSAPP_SEND_TIMEOUT_MS (text, upload and document of one message)',
      });
    }
    const credentials = [
      'WHATSAPP_ACCESS_TOKEN',
      'WHATSAPP_PHONE_NUMBER_ID',
      'WHATSAPP_APP_SECRET',
      'WHATSAPP_VERIFY_TOKEN',
    ] as const;
    if (credentials.some((name) => c[name])) {
      for (const name of credentials) {
        if (!c[name])
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: 'required with the other WHATSAPP credentials',
          });
      }
    }
  });

export type WhatsAppDeliveryConfig = z.output<typeof WhatsAppDeliveryConfigSchema>;

/** The four credentials, or null when WhatsApp is not configured (disabled). */
export const whatsAppCredentials = (c: WhatsAppDeliveryConfig) =>
  c.WHATSAPP_ACCESS_TOKEN && c.WHATSAPP_PHONE_NUMBER_ID && c.WHATSAPP_APP_SECRET && c.WHATSAPP_VERIFY_TOKEN
    ? {
        accessToken: c.WHATSAPP_ACCESS_TOKEN,
        phoneNumberId: c.WHATSAPP_PHONE_NUMBER_ID,
        appSecret: c.WHATSAPP_APP_SECRET,
        verifyToken: c.WHATSAPP_VERIFY_TOKEN,
      }
    : null;
