import { createLogger, loadConfigOrExit, runService } from '@express-quote/service-kit';
import { bookingConfigSchema } from './config.ts';
import { SERVICE_NAME, startBookingService } from './service.ts';

const config = loadConfigOrExit(SERVICE_NAME, bookingConfigSchema);
const logger = createLogger({
  service: config.SERVICE_NAME ?? SERVICE_NAME,
  level: config.LOG_LEVEL,
  pretty: config.LOG_PRETTY,
});

await runService({
  name: SERVICE_NAME,
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: () => startBookingService({ config, logger }),
});
