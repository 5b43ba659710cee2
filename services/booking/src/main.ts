import { runServiceMain } from '@express-quote/service-kit';
import { bookingConfigSchema } from './config.ts';
import { SERVICE_NAME, startBookingService } from './service.ts';

// Booking keeps its own registry (no process metrics): only config and logger are handed over.
await runServiceMain({
  name: SERVICE_NAME,
  schema: bookingConfigSchema,
  start: ({ config, logger }) => startBookingService({ config, logger }),
});
