import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Delivery metrics per channel and provider (seed "Métriques": sent, failed, retried, latency). */
export interface DeliveryMetrics {
  sent: Counter<'channel' | 'provider'>;
  failed: Counter<'channel' | 'provider' | 'retriable'>;
  retried: Counter<'channel' | 'provider' | 'reason'>;
  /** One SMTP transaction, from handing the message to the pool to the server's answer. */
  sendSeconds: Histogram<'channel' | 'provider' | 'outcome'>;
  /** From the planner's command (occurredAt) to the server's acceptance: what a customer waits. */
  endToEndSeconds: Histogram<'channel' | 'provider' | 'priority'>;
  circuitState: Gauge<'provider'>;
  attachmentLookups: Counter<'result'>;
  duplicatesSkipped: Counter<'channel'>;
}

export const CIRCUIT_STATE_VALUES = { closed: 0, 'half-open': 1, open: 2, isolated: 3 } as const;

export const createDeliveryMetrics = (registry: Registry): DeliveryMetrics => ({
  sent: new Counter({
    name: 'eq_notifications_sent_total',
    help: 'Notifications accepted by the provider',
    labelNames: ['channel', 'provider'],
    registers: [registry],
  }),
  failed: new Counter({
    name: 'eq_notifications_failed_total',
    help: 'Notifications given up: retriable=false refused for good, retriable=true attempts exhausted',
    labelNames: ['channel', 'provider', 'retriable'],
    registers: [registry],
  }),
  retried: new Counter({
    name: 'eq_notifications_retried_total',
    help: 'Deliveries handed back for a later attempt, by reason',
    labelNames: ['channel', 'provider', 'reason'],
    registers: [registry],
  }),
  sendSeconds: new Histogram({
    name: 'eq_notification_send_seconds',
    help: 'Provider call duration',
    labelNames: ['channel', 'provider', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  }),
  endToEndSeconds: new Histogram({
    name: 'eq_notification_end_to_end_seconds',
    help: 'From the notification request to its acceptance by the provider',
    labelNames: ['channel', 'provider', 'priority'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  }),
  circuitState: new Gauge({
    name: 'eq_provider_circuit_state',
    help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open, 3 isolated',
    labelNames: ['provider'],
    registers: [registry],
  }),
  attachmentLookups: new Counter({
    name: 'eq_email_attachment_lookups_total',
    help: 'Attachment preparations served from the cache (hit) or fetched from the object store (miss)',
    labelNames: ['result'],
    registers: [registry],
  }),
  duplicatesSkipped: new Counter({
    name: 'eq_notifications_duplicates_skipped_total',
    help: 'Commands redelivered after their notification was already sent: not sent again',
    labelNames: ['channel'],
    registers: [registry],
  }),
});
