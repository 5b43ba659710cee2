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
 * `unpublished` is read from Postgres at scrape time: a growing value means JetStream is unreachable and the relay
 * is holding events back.
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
  new Gauge({
    name: 'eq_payments_unpublished_events',
    help: 'Recorded Stripe events whose envelope is not yet acknowledged by JetStream.',
    registers: [registry],
    async collect() {
      try {
        this.set(await unpublished());
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
