import {
  ConfigError,
  createLogger,
  createMetricsRegistry,
  loadConfig,
  runService,
} from '@express-quote/service-kit';
import { PaymentsConfigSchema } from './config.ts';
import { startPaymentsService } from './service.ts';

let config: ReturnType<typeof loadConfig<typeof PaymentsConfigSchema>>;
try {
  config = loadConfig(PaymentsConfigSchema, process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`payments: ${error.message}\n`);
  process.exit(1);
}

const name = config.SERVICE_NAME ?? 'payments';
const logger = createLogger({ service: name, level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });

await runService({
  name,
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: () => startPaymentsService({ config, logger, registry: createMetricsRegistry(name) }),
});
