import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { CircuitStateName } from './geocoding/api-adresse.ts';

/**
 * Values of eq_provider_circuit_state, the same as the delivery services' (packages/delivery-kit), so one alert
 * (ProviderCircuitOpen: >= 2) and one dashboard panel cover every provider, the geocoder included.
 */
export const CIRCUIT_STATE_VALUES: Record<CircuitStateName, number> = {
  closed: 0,
  'half-open': 1,
  open: 2,
  isolated: 3,
};

/**
 * `eq_provider_circuit_state{provider}` for the geocoder's breaker, starting at closed, and its transitions in
 * the logs (an open circuit as a warning: attributions fall back to the coarser offline tables meanwhile).
 * Returns the breaker's `onCircuitStateChange`.
 */
export const reportGeocoderCircuit = (
  registry: Registry,
  logger: Logger,
  provider: string,
): ((state: CircuitStateName) => void) => {
  const gauge = new Gauge({
    name: 'eq_provider_circuit_state',
    help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open, 3 isolated',
    labelNames: ['provider'],
    registers: [registry],
  });
  gauge.set({ provider }, CIRCUIT_STATE_VALUES.closed);
  return (state) => {
    gauge.set({ provider }, CIRCUIT_STATE_VALUES[state]);
    const line = { provider, circuit: state };
    if (state === 'open') {
      logger.warn(
        line,
        `${provider} circuit opened: locating with the offline tables until a probe succeeds`,
      );
    } else logger.info(line, `${provider} circuit ${state}`);
  };
};
