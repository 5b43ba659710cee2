import { runServiceMain } from '@express-quote/service-kit';
import { EmailDeliveryConfigSchema } from './config.ts';
import { SERVICE_NAME, startEmailDeliveryService } from './service.ts';

await runServiceMain({
  name: SERVICE_NAME,
  schema: EmailDeliveryConfigSchema,
  start: startEmailDeliveryService,
});
