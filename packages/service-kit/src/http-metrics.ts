import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

const DURATION_METRIC = 'http_request_duration_seconds';

/** A registry labelled with the service name, with Node's process metrics (event loop lag, heap, GC). */
export const createMetricsRegistry = (service: string): Registry => {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
};

// A registry may be shared by several apps (tests, an admin listener): reuse its histogram.
const durationHistogram = (registry: Registry): Histogram<'method' | 'route' | 'status_code'> =>
  (registry.getSingleMetric(DURATION_METRIC) as Histogram<'method' | 'route' | 'status_code'> | undefined) ??
  new Histogram({
    name: DURATION_METRIC,
    help: 'HTTP request duration by route and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

/**
 * Observes every request by its route *pattern* (`/quotes/:id`), never the raw URL: ids and signed tokens in
 * paths would create one series per request.
 */
export const registerHttpMetrics = (app: FastifyInstance, registry: Registry): void => {
  const histogram = durationHistogram(registry);
  app.addHook('onResponse', async (request, reply) => {
    histogram.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
};
