import { runServiceMain } from '@express-quote/service-kit';
import { PaymentsConfigSchema } from './config.ts';
import { startPaymentsService } from './service.ts';

await runServiceMain({ name: 'payments', schema: PaymentsConfigSchema, start: startPaymentsService });
