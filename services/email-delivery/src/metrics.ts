import { createDeliveryMetrics } from '@express-quote/delivery-kit';
import { Counter, type Registry } from 'prom-client';

/** The delivery metrics every channel reports, and the attachment cache's hit rate. */
export const createEmailMetrics = (registry: Registry) => ({
  ...createDeliveryMetrics(registry),
  attachmentLookups: new Counter({
    name: 'eq_email_attachment_lookups_total',
    help: 'Attachment preparations served from the cache (hit) or fetched from the object store (miss)',
    labelNames: ['result'] as const,
    registers: [registry],
  }),
});

export type EmailMetrics = ReturnType<typeof createEmailMetrics>;
