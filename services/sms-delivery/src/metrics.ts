import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Seed "Métriques" for SMS: sent, delivered, failed, latency, per provider, and the total cost (costTotal). */
export interface SmsMetrics {
  sent: Counter<'channel' | 'provider'>;
  failed: Counter<'channel' | 'provider' | 'retriable'>;
  retried: Counter<'channel' | 'provider' | 'reason'>;
  providerAttempts: Counter<'provider' | 'outcome'>;
  sendSeconds: Histogram<'channel' | 'provider' | 'outcome'>;
  endToEndSeconds: Histogram<'channel' | 'provider' | 'priority'>;
  circuitState: Gauge<'provider'>;
  duplicatesSkipped: Counter<'channel'>;
  segments: Counter<'provider' | 'encoding'>;
  costEuros: Counter<'provider'>;
  deliveryReports: Counter<'channel' | 'provider' | 'status'>;
}

export const CIRCUIT_STATE_VALUES = { closed: 0, 'half-open': 1, open: 2, isolated: 3 } as const;

export const createSmsMetrics = (registry: Registry): SmsMetrics => ({
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
  providerAttempts: new Counter({
    name: 'eq_sms_provider_attempts_total',
    help: 'Calls to each SMS provider of the fallback chain, by outcome (sent, circuit_open, unavailable, rejected, recipient)',
    labelNames: ['provider', 'outcome'],
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
  duplicatesSkipped: new Counter({
    name: 'eq_notifications_duplicates_skipped_total',
    help: 'Commands redelivered after their notification was already sent: not sent again',
    labelNames: ['channel'],
    registers: [registry],
  }),
  segments: new Counter({
    name: 'eq_sms_segments_total',
    help: 'SMS segments sent, by provider and encoding',
    labelNames: ['provider', 'encoding'],
    registers: [registry],
  }),
  costEuros: new Counter({
    name: 'eq_sms_cost_euros_total',
    help: 'Cost of the SMS sent (provider answer or configured price table), in euros',
    labelNames: ['provider'],
    registers: [registry],
  }),
  deliveryReports: new Counter({
    name: 'eq_notification_delivery_reports_total',
    help: 'Delivery reports received from providers, by status',
    labelNames: ['channel', 'provider', 'status'],
    registers: [registry],
  }),
});
