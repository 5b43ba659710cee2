import { runServiceMain } from '@express-quote/service-kit';
import { AttributionConfig } from './config.ts';
import { SERVICE_NAME, startAttributionService } from './service.ts';

await runServiceMain({ name: SERVICE_NAME, schema: AttributionConfig, start: startAttributionService });
