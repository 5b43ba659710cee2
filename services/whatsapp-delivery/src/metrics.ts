import { createDeliveryMetrics, createDeliveryReportsCounter } from '@express-quote/delivery-kit';
import { Counter, type Registry } from 'prom-client';

/** Seed "Métriques" for WhatsApp: the delivery metrics, template fallbacks, uploads and the conversation cost. */
export const createWhatsAppMetrics = (registry: Registry) => ({
  ...createDeliveryMetrics(registry),
  deliveryReports: createDeliveryReportsCounter(registry),
  templateFallbacks: new Counter({
    name: 'eq_whatsapp_template_fallbacks_total',
    help: 'Free-form messages replaced by their approved template outside the 24-hour window, by where 131047 came from',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  mediaUploads: new Counter({
    name: 'eq_whatsapp_media_uploads_total',
    help: 'Documents uploaded to the media endpoint (reused uploads are not counted)',
    registers: [registry],
  }),
  costEuros: new Counter({
    name: 'eq_whatsapp_cost_euros_total',
    help: 'Cost of WhatsApp messages by pricing category (utility and marketing: templates; service: conversations), from the price table',
    labelNames: ['category'] as const,
    registers: [registry],
  }),
});

export type WhatsAppMetrics = ReturnType<typeof createWhatsAppMetrics>;
