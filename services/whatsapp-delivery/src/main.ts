import { runServiceMain } from '@express-quote/service-kit';
import { WhatsAppDeliveryConfigSchema } from './config.ts';
import { SERVICE_NAME, startWhatsAppDeliveryService } from './service.ts';

await runServiceMain({
  name: SERVICE_NAME,
  schema: WhatsAppDeliveryConfigSchema,
  start: startWhatsAppDeliveryService,
});
