import { pino } from 'pino';
import { z } from 'zod';
import { startMailSink } from './mail-sink.ts';

// Standalone local mail catcher (like mailpit): `node packages/sinks/src/mail-sink-main.ts`.
const Env = z.object({
  MAIL_SINK_HOST: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe('interface the SMTP and HTTP listeners bind to'),
  MAIL_SINK_SMTP_PORT: z.coerce.number().int().min(0).max(65_535).default(1025).describe('SMTP port'),
  MAIL_SINK_HTTP_PORT: z.coerce.number().int().min(0).max(65_535).default(8025).describe('web inbox port'),
  MAIL_SINK_MAX_MESSAGES: z.coerce
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe('oldest dropped beyond'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const parsed = Env.safeParse(process.env);
if (!parsed.success) {
  for (const issue of parsed.error.issues) console.error(`${issue.path.join('.')}: ${issue.message}`);
  process.exit(1);
}
const env = parsed.data;
const logger = pino({ name: 'mail-sink', level: env.LOG_LEVEL });

const sink = await startMailSink({
  host: env.MAIL_SINK_HOST,
  smtpPort: env.MAIL_SINK_SMTP_PORT,
  httpPort: env.MAIL_SINK_HTTP_PORT,
  maxMessages: env.MAIL_SINK_MAX_MESSAGES,
  logger,
});
logger.info(
  { smtpPort: sink.smtpPort, httpPort: sink.httpPort, inbox: sink.httpUrl },
  `mail sink: SMTP on ${sink.host}:${sink.smtpPort}, inbox at ${sink.httpUrl}`,
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'mail sink stopping');
  sink.close().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'mail sink did not stop cleanly');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
