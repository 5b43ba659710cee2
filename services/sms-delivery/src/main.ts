import {
  createLogger,
  createMetricsRegistry,
  loadConfigOrExit,
  runService,
} from '@express-quote/service-kit';
import { SmsDeliveryConfigSchema } from './config.ts';
import { SERVICE_NAME, startSmsDeliveryService } from './service.ts';

const config = loadConfigOrExit(SERVICE_NAME, SmsDeliveryConfigSchema);
const name = config.SERVICE_NAME ?? SERVICE_NAME;
const logger = createLogger({ service: name, level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });

await runService({
  name,
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: () => startSmsDeliveryService({ config, logger, registry: createMetricsRegistry(name) }),
});
