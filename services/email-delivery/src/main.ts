import {
  ConfigError,
  createLogger,
  createMetricsRegistry,
  loadConfig,
  runService,
} from '@express-quote/service-kit';
import { type EmailDeliveryConfig, EmailDeliveryConfigSchema } from './config.ts';
import { SERVICE_NAME, startEmailDeliveryService } from './service.ts';

let config: EmailDeliveryConfig;
try {
  config = loadConfig(EmailDeliveryConfigSchema, process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${SERVICE_NAME}: ${error.message}\n`);
  process.exit(1);
}

const name = config.SERVICE_NAME ?? SERVICE_NAME;
const logger = createLogger({ service: name, level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });

await runService({
  name,
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: () => startEmailDeliveryService({ config, logger, registry: createMetricsRegistry(name) }),
});
