import { Counter, Gauge, type Registry } from 'prom-client';

export type WebhookOutcome =
  | 'published'
  | 'publish_deferred'
  | 'recorded'
  | 'duplicate'
  | 'ignored'
  | 'invalid_signature'
  | 'invalid_json'
  | 'invalid_event'
  | 'unsupported_media_type'
  | 'unavailable';

export interface PaymentsMetrics {
  webhook(eventType: string, outcome: WebhookOutcome): void;
  relayPublished(count: number): void;
  relayFailure(): void;
}

/**
 * `unpublished` (recorded Stripe events whose envelope JetStream has not acknowledged) is read from Postgres at
 * scrape time as `eq_relay_lag_events{store="payments"}`: a growing value means JetStream is unreachable and the
 * relay is holding events back.
 */
export const createPaymentsMetrics = (
  registry: Registry,
  unpublished: () => Promise<number>,
): PaymentsMetrics => {
  const webhooks = new Counter({
    name: 'eq_payments_stripe_webhooks_total',
    help: 'Stripe webhook requests by event type (unknown when the signature is not verified) and outcome.',
    labelNames: ['event_type', 'outcome'] as const,
    registers: [registry],
  });
  const relayed = new Counter({
    name: 'eq_payments_relay_published_total',
    help: 'Envelopes published by the background relay (the webhook could not publish them itself).',
    registers: [registry],
  });
  const relayFailures = new Counter({
    name: 'eq_payments_relay_failures_total',
    help: 'Relay rounds that stopped on a publish or database failure.',
    registers: [registry],
  });
  // The name and label every event store's relay uses (store = booking | attribution | payments): one alert and
  // one panel cover the three outboxes.
  new Gauge({
    name: 'eq_relay_lag_events',
    help: 'Events committed to a store and not yet published to JetStream',
    labelNames: ['store'] as const,
    registers: [registry],
    async collect() {
      try {
        this.set({ store: 'payments' }, await unpublished());
      } catch {
        // Postgres down: keep the last value; /readyz reports the outage.
      }
    },
  });
  return {
    webhook: (eventType, outcome) => webhooks.inc({ event_type: eventType, outcome }),
    relayPublished: (count) => relayed.inc(count),
    relayFailure: () => relayFailures.inc(),
  };
};
