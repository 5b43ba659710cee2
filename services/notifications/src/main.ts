import {
  ConfigError,
  createLogger,
  createMetricsRegistry,
  loadConfig,
  runService,
} from '@express-quote/service-kit';
import { type NotificationsConfig, NotificationsConfig as NotificationsConfigSchema } from './config.ts';
import { startNotificationsService } from './service.ts';

let config: NotificationsConfig;
try {
  config = loadConfig(NotificationsConfigSchema, process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`notifications: ${error.message}\n`);
  process.exit(1);
}

const name = config.SERVICE_NAME ?? 'notifications';
const logger = createLogger({ service: name, level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });

await runService({
  name,
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: () => startNotificationsService({ config, logger, registry: createMetricsRegistry(name) }),
});
