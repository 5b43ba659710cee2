import { pino } from 'pino';
import { z } from 'zod';
import { startPhoneSinks } from './sms-phone-sinks.ts';

// Standalone SMS + WhatsApp provider emulators for the demo: `node packages/sinks/src/sms-sink-main.ts`. Prints every
// captured message; each emulator lists its own at GET /_sink/messages.
const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);
const Env = z.object({
  SMS_SINK_HOST: z.string().min(1).default('127.0.0.1'),
  SMS_SINK_TWILIO_PORT: port(4010),
  SMS_SINK_VONAGE_PORT: port(4011),
  SMS_SINK_BREVO_PORT: port(4012),
  SMS_SINK_FREE_MOBILE_PORT: port(4013),
  SMS_SINK_WHATSAPP_PORT: port(4014),
  /** Where sms-delivery and whatsapp-delivery listen, for their delivery reports. */
  SMS_DELIVERY_URL: z.url().default('http://127.0.0.1:3007'),
  WHATSAPP_DELIVERY_URL: z.url().default('http://127.0.0.1:3008'),
  SMS_SINK_REPORT_DELAY_MS: z.coerce.number().int().min(0).default(500),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const parsed = Env.safeParse(process.env);
if (!parsed.success) {
  for (const issue of parsed.error.issues) console.error(`${issue.path.join('.')}: ${issue.message}`);
  process.exit(1);
}
const env = parsed.data;
const logger = pino({ name: 'sms-sink', level: env.LOG_LEVEL });
const sinks = await startPhoneSinks({
  host: env.SMS_SINK_HOST,
  ports: {
    twilio: env.SMS_SINK_TWILIO_PORT,
    vonage: env.SMS_SINK_VONAGE_PORT,
    brevo: env.SMS_SINK_BREVO_PORT,
    freeMobile: env.SMS_SINK_FREE_MOBILE_PORT,
    whatsapp: env.SMS_SINK_WHATSAPP_PORT,
  },
  autoReportDelayMs: env.SMS_SINK_REPORT_DELAY_MS,
});
const serviceEnv = sinks.env({
  smsDeliveryUrl: env.SMS_DELIVERY_URL,
  whatsappDeliveryUrl: env.WHATSAPP_DELIVERY_URL,
});
sinks.store.onMessage((m) => {
  // The demo's own fake numbers: printed so a person sees what the customer would receive.
  process.stdout.write(
    `\n[${m.provider}] to ${m.to} (${m.encoding}, ${m.segments} segment${m.segments > 1 ? 's' : ''})\n${m.text}\n`,
  );
});
logger.info(
  {
    twilio: sinks.sms.twilio.url,
    vonage: sinks.sms.vonage.url,
    brevo: sinks.sms.brevo.url,
    freeMobile: sinks.sms.freeMobile.url,
    whatsapp: sinks.whatsapp.url,
  },
  'SMS and WhatsApp emulators listening',
);
process.stdout.write(
  `sms-delivery / whatsapp-delivery environment:\n${Object.entries(serviceEnv)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`,
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'sms sink stopping');
  sinks.close().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'sms sink did not stop cleanly');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
