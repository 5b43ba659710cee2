import { createDeliveryMetrics, createDeliveryReportsCounter } from '@express-quote/delivery-kit';
import { Counter, type Registry } from 'prom-client';

/** Seed "Métriques" for SMS: the delivery metrics, each provider of the chain, segments and the total cost. */
export const createSmsMetrics = (registry: Registry) => ({
  ...createDeliveryMetrics(registry),
  deliveryReports: createDeliveryReportsCounter(registry),
  providerAttempts: new Counter({
    name: 'eq_sms_provider_attempts_total',
    help: 'Calls to each SMS provider of the fallback chain, by outcome (sent, circuit_open, unavailable, rejected, recipient)',
    labelNames: ['provider', 'outcome'] as const,
    registers: [registry],
  }),
  segments: new Counter({
    name: 'eq_sms_segments_total',
    help: 'SMS segments sent, by provider and encoding',
    labelNames: ['provider', 'encoding'] as const,
    registers: [registry],
  }),
  costEuros: new Counter({
    name: 'eq_sms_cost_euros_total',
    help: 'Cost of the SMS sent (provider answer or configured price table), in euros',
    labelNames: ['provider'] as const,
    registers: [registry],
  }),
});

export type SmsMetrics = ReturnType<typeof createSmsMetrics>;
