import { createLogger, loadConfig, runService } from '@express-quote/service-kit';
import { NotificationsConfig } from './config.ts';
import { startNotificationsService } from './service.ts';

const bootLogger = createLogger({ service: 'notifications', level: process.env.LOG_LEVEL ?? 'info' });

await runService({
  name: 'notifications',
  logger: bootLogger,
  shutdownTimeoutMs: Number(process.env.SHUTDOWN_TIMEOUT_MS) || 10_000,
  start: async () => {
    const config = loadConfig(NotificationsConfig, process.env);
    const logger = createLogger({
      service: config.SERVICE_NAME ?? 'notifications',
      level: config.LOG_LEVEL,
      pretty: config.LOG_PRETTY,
    });
    return startNotificationsService({ config, logger });
  },
});
