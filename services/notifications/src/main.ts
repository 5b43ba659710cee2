import { runServiceMain } from '@express-quote/service-kit';
import { NotificationsConfig } from './config.ts';
import { startNotificationsService } from './service.ts';

await runServiceMain({
  name: 'notifications',
  schema: NotificationsConfig,
  start: startNotificationsService,
});
