import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Seed "Métriques" for WhatsApp: sent, delivered, failed, latency, and the conversation / template cost. */
export const createWhatsAppMetrics = (registry: Registry) => ({
  sent: new Counter({
    name: 'eq_notifications_sent_total',
    help: 'Notifications accepted by the provider',
    labelNames: ['channel', 'provider'] as const,
    registers: [registry],
  }),
  failed: new Counter({
    name: 'eq_notifications_failed_total',
    help: 'Notifications given up: retriable=false refused for good, retriable=true attempts exhausted',
    labelNames: ['channel', 'provider', 'retriable'] as const,
    registers: [registry],
  }),
  retried: new Counter({
    name: 'eq_notifications_retried_total',
    help: 'Deliveries handed back for a later attempt, by reason',
    labelNames: ['channel', 'provider', 'reason'] as const,
    registers: [registry],
  }),
  templateFallbacks: new Counter({
    name: 'eq_whatsapp_template_fallbacks_total',
    help: 'Free-form messages replaced by their approved template outside the 24-hour window, by where 131047 came from',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  mediaUploads: new Counter({
    name: 'eq_whatsapp_media_uploads_total',
    help: 'Documents uploaded to the media endpoint (reused uploads are not counted)',
    registers: [registry],
  }),
  sendSeconds: new Histogram({
    name: 'eq_notification_send_seconds',
    help: 'Provider call duration',
    labelNames: ['channel', 'provider', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  }),
  endToEndSeconds: new Histogram({
    name: 'eq_notification_end_to_end_seconds',
    help: 'From the notification request to its acceptance by the provider',
    labelNames: ['channel', 'provider', 'priority'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  }),
  circuitState: new Gauge({
    name: 'eq_provider_circuit_state',
    help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open, 3 isolated',
    labelNames: ['provider'] as const,
    registers: [registry],
  }),
  duplicatesSkipped: new Counter({
    name: 'eq_notifications_duplicates_skipped_total',
    help: 'Commands redelivered after their notification was already sent: not sent again',
    labelNames: ['channel'] as const,
    registers: [registry],
  }),
  costEuros: new Counter({
    name: 'eq_whatsapp_cost_euros_total',
    help: 'Cost of WhatsApp messages by pricing category (utility and marketing: templates; service: conversations), from the price table',
    labelNames: ['category'] as const,
    registers: [registry],
  }),
  deliveryReports: new Counter({
    name: 'eq_notification_delivery_reports_total',
    help: 'Delivery reports received from providers, by status',
    labelNames: ['channel', 'provider', 'status'] as const,
    registers: [registry],
  }),
});

export type WhatsAppMetrics = ReturnType<typeof createWhatsAppMetrics>;
export const CIRCUIT_STATE_VALUES = { closed: 0, 'half-open': 1, open: 2, isolated: 3 } as const;
