import { createLogger, loadConfig, runService } from '@express-quote/service-kit';
import { bookingConfigSchema } from './config.ts';
import { SERVICE_NAME, startBookingService } from './service.ts';

const logger = createLogger({
  service: SERVICE_NAME,
  level: process.env.LOG_LEVEL || 'info',
  pretty: process.env.LOG_PRETTY === 'true',
});

await runService({
  name: SERVICE_NAME,
  logger,
  shutdownTimeoutMs: 15_000,
  start: async () => {
    const config = loadConfig(bookingConfigSchema, process.env);
    logger.level = config.LOG_LEVEL;
    return startBookingService({ config, logger });
  },
});
