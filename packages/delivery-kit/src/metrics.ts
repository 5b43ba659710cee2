import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CircuitStateName } from './circuit-breaker.ts';

/**
 * The seed's "Métriques" every channel reports, per channel and provider: sent, failed, retried, latency, the
 * breakers, and redelivered commands skipped. Channel-specific metrics are added by each service.
 */
export interface DeliveryMetrics {
  sent: Counter<'channel' | 'provider'>;
  failed: Counter<'channel' | 'provider' | 'retriable'>;
  retried: Counter<'channel' | 'provider' | 'reason'>;
  /** One provider call, from handing the message over to the provider's answer. */
  sendSeconds: Histogram<'channel' | 'provider' | 'outcome'>;
  /** From the planner's command (occurredAt) to the provider's acceptance: what a recipient waits. */
  endToEndSeconds: Histogram<'channel' | 'provider' | 'priority'>;
  circuitState: Gauge<'provider'>;
  duplicatesSkipped: Counter<'channel'>;
}

/** Values of eq_provider_circuit_state. */
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
  duplicatesSkipped: new Counter({
    name: 'eq_notifications_duplicates_skipped_total',
    help: 'Commands redelivered after their notification was already sent: not sent again',
    labelNames: ['channel'],
    registers: [registry],
  }),
});

/** Delivery reports (callbacks, webhooks) of the channels whose providers send them. */
export const createDeliveryReportsCounter = (
  registry: Registry,
): Counter<'channel' | 'provider' | 'status'> =>
  new Counter({
    name: 'eq_notification_delivery_reports_total',
    help: 'Delivery reports received from providers, by status',
    labelNames: ['channel', 'provider', 'status'],
    registers: [registry],
  });

/**
 * A breaker's `onStateChange` that keeps eq_provider_circuit_state and the logs up to date ("<label> circuit
 * opened: <whenOpen>" as a warning, other states as info). The gauge starts at closed.
 */
export const reportCircuitState = (
  gauge: Gauge<'provider'>,
  logger: Logger,
  circuit: { provider: string; label: string; whenOpen: string },
): ((state: CircuitStateName) => void) => {
  const { provider, label, whenOpen } = circuit;
  gauge.set({ provider }, CIRCUIT_STATE_VALUES.closed);
  return (state) => {
    gauge.set({ provider }, CIRCUIT_STATE_VALUES[state]);
    const line = { provider, circuit: state };
    if (state === 'open') logger.warn(line, `${label} circuit opened: ${whenOpen}`);
    else logger.info(line, `${label} circuit ${state}`);
  };
};
