import { commaList, commonConfig, durationMs, integer, port, secret } from '@express-quote/service-kit';
import { z } from 'zod';

const webhookSecret = z
  .string()
  .regex(/^whsec_\S+$/, 'must be a Stripe webhook signing secret (whsec_…)')
  .meta({ secret: true });

export const PaymentsConfigSchema = z.object({
  ...commonConfig,
  PORT: port().default(3001).describe('HTTP port: the Stripe webhook, health, readiness and metrics.'),
  STRIPE_WEBHOOK_SECRET: commaList(webhookSecret).meta({
    secret: true,
    description:
      'Webhook signing secret(s) of the Stripe endpoint, comma-separated during a rotation: a webhook is valid ' +
      'when any of them verifies it.',
  }),
  STRIPE_SECRET_KEY: secret().optional().meta({
    secret: true,
    description: 'Stripe API key. Optional: verifying webhooks needs only the signing secret.',
  }),
  STRIPE_SIGNATURE_TOLERANCE_SECONDS: integer(1, 3_600)
    .default(300)
    .describe('Maximum age of a webhook signature timestamp (replay protection); Stripe recommends 300.'),
  PUBLISH_TIMEOUT_MS: durationMs()
    .default(1_000)
    .describe(
      'How long a webhook waits for JetStream before answering anyway (the event is recorded; the relay publishes it).',
    ),
  RELAY_INTERVAL_MS: durationMs()
    .default(1_000)
    .describe('How often the relay looks for recorded events that were not published (NATS outage).'),
});

export type PaymentsConfig = z.output<typeof PaymentsConfigSchema>;
