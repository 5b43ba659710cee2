import { commaList, commonConfig, durationMs, integer, port } from '@express-quote/service-kit';
import { z } from 'zod';
import { DEFAULT_PRICING_RATES, PricingRates } from './domain/pricing-rates.ts';

const pricingRates = z
  .string()
  .transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
      return z.NEVER;
    }
  })
  .pipe(PricingRates);

export const bookingConfigSchema = z.object({
  ...commonConfig,
  PORT: port().default(3002).describe('HTTP port: the quotes and bookings API, health, readiness, metrics.'),
  PRICING_RATES_JSON: pricingRates
    .prefault(JSON.stringify(DEFAULT_PRICING_RATES))
    .describe(
      'Price rates as JSON, in cents: per service type baseCents/perM3Cents/perKmCents (HT), floorWithoutLiftCents, packingPerM3Cents, disassemblyCents (HT), insuranceCents (no VAT), vatBasisPoints (2000 = 20 %).',
    ),
  QUOTE_VALIDITY: durationMs()
    .prefault('168h')
    .describe('How long a quote can be paid after it was requested (never beyond the start of the service).'),
  QUOTE_MAX_DAYS_AHEAD: integer(1, 3_650)
    .default(365)
    .describe('How far ahead a service can be booked, in days.'),
  URGENT_WITHIN: durationMs()
    .prefault('48h')
    .describe('A booking is urgent when its service starts within this time of the confirmation.'),
  CONSUMER_CONCURRENCY: integer(1, 256).default(8).describe('Payment events handled at once, per consumer.'),
  CONSUMER_MAX_DELIVER: integer(2, 100)
    .default(10)
    .describe('Deliveries of a payment event before it goes to the DLQ (must exceed the backoff steps).'),
  CONSUMER_BACKOFF: commaList(durationMs())
    .prefault('1s,5s,30s,2m')
    .describe('Wait before each redelivery after a transient failure, comma-separated durations.'),
  CONSUMER_ACK_WAIT: durationMs()
    .prefault('30s')
    .describe('How long JetStream waits for an ack before redelivering (heartbeats extend it).'),
});

export type BookingConfig = z.output<typeof bookingConfigSchema>;
