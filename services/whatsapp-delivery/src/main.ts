import {
  createLogger,
  createMetricsRegistry,
  loadConfigOrExit,
  runService,
} from '@express-quote/service-kit';
import { WhatsAppDeliveryConfigSchema } from './config.ts';
import { SERVICE_NAME, startWhatsAppDeliveryService } from './service.ts';

const config = loadConfigOrExit(SERVICE_NAME, WhatsAppDeliveryConfigSchema);
const name = config.SERVICE_NAME ?? SERVICE_NAME;
const logger = createLogger({ service: name, level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });

await runService({
  name,
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: () => startWhatsAppDeliveryService({ config, logger, registry: createMetricsRegistry(name) }),
});
