import { text } from '@express-quote/delivery-kit';
import { z } from 'zod';
import { defineWhatsAppTemplate } from './whatsapp-template.ts';

export const staffAlertWhatsApp = defineWhatsAppTemplate({
  name: 'staff-alert-whatsapp',
  schema: z.object({ subject: text(150), message: text(4000) }),
  text: (d, ctx) => `🚨 *[Alerte ${ctx.brandName}] ${d.subject}*\n\n${d.message}`,
  approved: {
    // "[Alerte] {{1}} : {{2}}" (a template parameter holds at most 1024 characters and no line breaks)
    name: 'alerte_equipe',
    bodyParameters: (d) => [d.subject, d.message.length > 900 ? `${d.message.slice(0, 897)}...` : d.message],
    documentHeader: false,
  },
});
