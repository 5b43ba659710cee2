import { fileURLToPath } from 'node:url';
import {
  booleanFlag,
  commaList,
  commonConfig,
  durationMs,
  integer,
  port,
  secret,
  url,
} from '@express-quote/service-kit';
import { z } from 'zod';

const DEFAULT_STAFF_FIXTURE = fileURLToPath(new URL('../fixtures/staff.json', import.meta.url));

export const NotificationsConfig = z.object({
  ...commonConfig,
  PORT: port().default(3005).describe('HTTP port (notification status API, staff admin API, probes).'),
  ADMIN_TOKEN: secret().pipe(z.string().min(24, 'must be at least 24 characters')).meta({
    secret: true,
    description: 'Bearer token required by the staff admin API (PUT/DELETE /api/staff/:id).',
  }),
  SUPPORT_URL: url(['https', 'http'])
    .default('https://www.express-quote.fr/contact')
    .describe(
      'Customer support page, linked from the customer e-mail (and used as "view booking" when documents are missing).',
    ),
  DOCUMENTS_PUBLIC_URL: url(['https', 'http'])
    .default('http://localhost:3003')
    .describe(
      'Public origin of the documents service, for the signed "view booking" link of the customer e-mail.',
    ),
  DOCUMENTS_URL_SECRET: secret().meta({
    secret: true,
    description: 'HMAC secret shared with the documents service to sign document links.',
  }),
  DOCUMENT_LINK_TTL_MS: durationMs()
    .default(30 * 24 * 3_600_000)
    .describe('Validity of the signed document link in the customer e-mail.'),
  DOCUMENTS_WAIT_MS: durationMs()
    .default(60_000)
    .describe('How long a message waits for its PDFs before it is sent without them (documentsMissing).'),
  RELEASE_POLL_INTERVAL_MS: durationMs()
    .default(1_000)
    .describe('How often waiting messages are checked for their deadline.'),
  REMINDER_POLL_INTERVAL_MS: durationMs()
    .default(10_000)
    .describe('How often the reminder scheduler looks for due reminders.'),
  CUSTOMER_ASSIGNED_EMAIL_ENABLED: booleanFlag()
    .default(true)
    .describe(
      'Send the customer the "a professional is assigned" e-mail (template professional-assigned of ' +
        'email-delivery); false leaves it out.',
    ),
  STAFF_FIXTURE_PATH: z
    .string()
    .min(1)
    .default(DEFAULT_STAFF_FIXTURE)
    .describe(
      'Staff directory fixture (JSON with a "version"), loaded at start when newer than the loaded one.',
    ),
  CONSUMER_CONCURRENCY: integer(1, 256).default(8).describe('Handlers running at once per consumer.'),
  CONSUMER_MAX_DELIVER: integer(2, 1_000)
    .default(10)
    .describe('Deliveries of a message before it goes to the DLQ.'),
  CONSUMER_BACKOFF_MS: commaList(durationMs())
    .default([1_000, 5_000, 30_000, 60_000])
    .describe('Delays before the 1st, 2nd… redelivery after a failure (last one repeats), e.g. 1s,5s,30s.'),
  CONSUMER_ACK_WAIT_MS: durationMs()
    .default(30_000)
    .describe('Time a handler has before JetStream redelivers its message (heartbeats extend it).'),
});

export type NotificationsConfig = z.output<typeof NotificationsConfig>;
