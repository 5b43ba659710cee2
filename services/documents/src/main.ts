import {
  ConfigError,
  createLogger,
  createMetricsRegistry,
  loadConfig,
  runService,
} from '@express-quote/service-kit';
import { type DocumentsConfig, DocumentsConfigSchema } from './config.ts';
import { startDocumentsService } from './service.ts';

let config: DocumentsConfig;
try {
  config = loadConfig(DocumentsConfigSchema, process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`documents: ${error.message}\n`);
  process.exit(1);
}

const name = config.SERVICE_NAME ?? 'documents';
const logger = createLogger({ service: name, level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });

await runService({
  name,
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: () => startDocumentsService({ config, logger, registry: createMetricsRegistry(name) }),
});
