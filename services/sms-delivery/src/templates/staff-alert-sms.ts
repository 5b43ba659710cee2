import { text } from '@express-quote/delivery-kit';
import { z } from 'zod';
import { truncateToSegments } from '../domain/sms-fit.ts';
import { toGsmFriendly } from '../domain/sms-text.ts';
import { defineSmsTemplate } from './sms-template.ts';

const MAX_SEGMENTS = 3;

/** Payments needing attention, amounts that do not match, attributions nobody took: someone must act now. */
export const staffAlertSms = defineSmsTemplate({
  name: 'staff-alert-sms',
  audience: 'staff',
  schema: z.object({
    subject: text(150),
    message: text(4000),
  }),
  maxSegments: MAX_SEGMENTS,
  variants: (d, ctx) => {
    const head = `[Alerte ${ctx.brandName}] ${d.subject}`;
    const body = d.message.replace(/\s+/g, ' ');
    return [`${head} : ${body}`, truncateToSegments(toGsmFriendly(`${head} : ${body}`), MAX_SEGMENTS), head];
  },
});
