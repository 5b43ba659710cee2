import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import type { Env } from './config.ts';
import type { LOG_LEVELS } from './config-fields.ts';
import { createMetricsRegistry } from './http-metrics.ts';
import { createLogger } from './logger.ts';
import { loadConfigOrExit, type RunningService, runService } from './run-service.ts';

/** What `baseConfig` gives every service: the main needs these to name, log and bound the shutdown. */
export interface ServiceMainConfig {
  SERVICE_NAME?: string | undefined;
  LOG_LEVEL: (typeof LOG_LEVELS)[number];
  LOG_PRETTY: boolean;
  SHUTDOWN_TIMEOUT_MS: number;
}

export interface ServiceMainContext<C> {
  config: C;
  logger: Logger;
  /** Labelled with the service's name; served on /metrics by createHttpApp. */
  registry: Registry;
  /** SERVICE_NAME when set, else the folder name given to runServiceMain. */
  name: string;
}

export interface ServiceMainOptions<S extends z.ZodObject> {
  /** The service folder's name: prefix of configuration errors, default of SERVICE_NAME. */
  name: string;
  schema: z.output<S> extends ServiceMainConfig ? S : never;
  start: (context: ServiceMainContext<z.output<S>>) => Promise<RunningService>;
  env?: Env;
}

/**
 * A service's whole main: loads the config (bad variables: a list on stderr, exit 1), creates the logger and
 * the metrics registry under SERVICE_NAME, then runs the service until a signal with the configured shutdown
 * budget.
 */
export const runServiceMain = async <S extends z.ZodObject>({
  name,
  schema,
  start,
  env = process.env,
}: ServiceMainOptions<S>): Promise<void> => {
  const config = loadConfigOrExit(name, schema, env);
  const base = config as ServiceMainConfig;
  const service = base.SERVICE_NAME ?? name;
  const logger = createLogger({ service, level: base.LOG_LEVEL, pretty: base.LOG_PRETTY });
  await runService({
    name: service,
    logger,
    shutdownTimeoutMs: base.SHUTDOWN_TIMEOUT_MS,
    start: () => start({ config, logger, registry: createMetricsRegistry(service), name: service }),
  });
};
