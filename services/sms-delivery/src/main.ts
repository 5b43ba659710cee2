import { runServiceMain } from '@express-quote/service-kit';
import { SmsDeliveryConfigSchema } from './config.ts';
import { SERVICE_NAME, startSmsDeliveryService } from './service.ts';

await runServiceMain({ name: SERVICE_NAME, schema: SmsDeliveryConfigSchema, start: startSmsDeliveryService });
