import { commaList, commonConfig, durationMs, integer, port, secret, url } from '@express-quote/service-kit';
import { getCountries } from 'libphonenumber-js/max';
import { z } from 'zod';
import { SMS_PROVIDER_NAMES } from './adapters/sms-provider.ts';
import { checkMobileNumber } from './domain/phone-number.ts';

const COUNTRIES = new Set<string>(getCountries());

/** "twilio=79000,brevo=45000" → { twilio: 79000, brevo: 45000 } */
const pricePerSegment = () =>
  commaList(
    z
      .string()
      .regex(
        new RegExp(`^(${SMS_PROVIDER_NAMES.join('|')})=\\d+$`),
        `must be provider=micros pairs (providers: ${SMS_PROVIDER_NAMES.join(', ')})`,
      ),
  ).transform(
    (pairs) =>
      Object.fromEntries(pairs.map((p) => p.split('=')).map(([k, v]) => [k!, Number(v)])) as Record<
        string,
        number
      >,
  );

const optionalText = () => z.string().trim().min(1).optional();

export const SmsDeliveryConfigSchema = z
  .object({
    ...commonConfig,
    PORT: port().default(3007).describe('HTTP port (delivery callbacks, health, readiness, metrics).'),
    SMS_PROVIDERS: z
      .string()
      .default('')
      .transform((raw) =>
        raw
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p !== ''),
      )
      .pipe(z.array(z.enum(SMS_PROVIDER_NAMES, { error: `must be among ${SMS_PROVIDER_NAMES.join(', ')}` })))
      .describe(
        'Providers in fallback order, e.g. "twilio,vonage,brevo" (free-mobile only ever reaches its own account owner: staff alerts). Empty: SMS disabled, notify.sms.* is not consumed and commands wait in the stream.',
      ),
    SMS_DEFAULT_COUNTRY: z
      .string()
      .trim()
      .toUpperCase()
      .refine((c) => COUNTRIES.has(c), 'must be an ISO 3166 country code such as FR')
      .default('FR')
      .describe('Country of phone numbers written without their international prefix (06 12 34 56 78).'),
    SMS_BRAND_NAME: z
      .string()
      .trim()
      .min(1)
      .max(30)
      .default('Express Quote')
      .describe('Company name the texts start with.'),
    SMS_PUBLIC_BASE_URL: url(['http', 'https'])
      .optional()
      .describe(
        'Public origin of this service as Twilio reaches it (e.g. https://sms.express-quote.fr): status callbacks go to <origin>/api/callbacks/twilio and their signature covers that URL. Unset: no delivery reports are asked for.',
      ),
    SMS_SEND_TIMEOUT_MS: durationMs().default(10_000).describe('Budget of one provider call.'),
    SMS_PRICE_PER_SEGMENT_MICROS: pricePerSegment()
      .default({ twilio: 79_000, vonage: 72_000, brevo: 45_000, 'free-mobile': 0 })
      .describe(
        'Price of one segment per provider in EUR micros ("twilio=79000,brevo=45000"), used when the provider does not say what it charged.',
      ),
    SMS_BREAKER_FAILURES: integer(1, 1000)
      .default(5)
      .describe('Consecutive provider failures (network, 5xx, 429, credentials) that open its circuit.'),
    SMS_BREAKER_HALF_OPEN_MS: durationMs()
      .default(10_000)
      .describe('How long an open circuit waits before a probe.'),
    SMS_BREAKER_MAX_HALF_OPEN_MS: durationMs()
      .default(120_000)
      .describe('Upper bound of the open period while probes keep failing (it doubles each time).'),
    SMS_CRITICAL_CONCURRENCY: integer(1, 100)
      .default(4)
      .describe(
        "CRITICAL priority SMS handled at once: the customer's booking confirmation only (own consumer, started first).",
      ),
    SMS_HIGH_CONCURRENCY: integer(1, 100)
      .default(4)
      .describe('HIGH priority SMS handled at once (own consumer).'),
    SMS_NORMAL_CONCURRENCY: integer(1, 100).default(2).describe('NORMAL priority SMS handled at once.'),
    SMS_MAX_DELIVER: integer(2, 100)
      .default(6)
      .describe('Deliveries of one command before it is given up (notification.failed retriable + DLQ).'),
    SMS_BACKOFF_MS: commaList(durationMs())
      .default([1_000, 5_000, 30_000, 120_000, 300_000])
      .describe(
        'Delay before each retry when every provider failed, e.g. "1s,5s,30s" (the last step repeats).',
      ),
    SMS_ACK_WAIT_MS: durationMs()
      .default(60_000)
      .describe('JetStream ack wait of the consumers (longer than a pass through every provider).'),
    TWILIO_ACCOUNT_SID: optionalText().describe('Twilio account SID (AC…).'),
    TWILIO_AUTH_TOKEN: secret()
      .optional()
      .describe('Twilio auth token: API calls and the signature of status callbacks.'),
    TWILIO_FROM: optionalText().describe('Twilio sender: a number (+33…) or an alphanumeric sender id.'),
    TWILIO_MESSAGING_SERVICE_SID: optionalText().describe(
      'Twilio Messaging Service (MG…), instead of TWILIO_FROM.',
    ),
    TWILIO_BASE_URL: url(['http', 'https'])
      .default('https://api.twilio.com')
      .describe('Twilio API origin (the emulator locally).'),
    VONAGE_API_KEY: optionalText().describe('Vonage API key.'),
    VONAGE_API_SECRET: secret().optional().describe('Vonage API secret.'),
    VONAGE_FROM: optionalText().describe('Vonage sender id or number.'),
    VONAGE_BASE_URL: url(['http', 'https'])
      .default('https://rest.nexmo.com')
      .describe('Vonage SMS API origin.'),
    BREVO_API_KEY: secret().optional().describe('Brevo API key.'),
    BREVO_SENDER: optionalText().describe('Brevo sender (11 alphanumeric characters at most, or a number).'),
    BREVO_BASE_URL: url(['http', 'https']).default('https://api.brevo.com').describe('Brevo API origin.'),
    FREE_MOBILE_USER: optionalText().describe('Free Mobile subscriber login (SMS notifications option).'),
    FREE_MOBILE_PASS: secret().optional().describe('Free Mobile API key of that option.'),
    FREE_MOBILE_PHONE: optionalText().describe(
      "The Free Mobile subscriber's own number: the only one its API reaches.",
    ),
    FREE_MOBILE_BASE_URL: url(['http', 'https'])
      .default('https://smsapi.free-mobile.fr')
      .describe('Free Mobile API origin.'),
  })
  .superRefine((c, ctx) => {
    const need = (provider: string, names: Array<keyof typeof c>) => {
      if (!c.SMS_PROVIDERS.includes(provider as never)) return;
      for (const name of names) {
        if (!c[name])
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: `required when SMS_PROVIDERS lists ${provider}`,
          });
      }
    };
    need('twilio', ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN']);
    if (c.SMS_PROVIDERS.includes('twilio') && !c.TWILIO_FROM && !c.TWILIO_MESSAGING_SERVICE_SID) {
      ctx.addIssue({
        code: 'custom',
        path: ['TWILIO_FROM'],
        message: 'TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID is required for twilio',
      });
    }
    need('vonage', ['VONAGE_API_KEY', 'VONAGE_API_SECRET', 'VONAGE_FROM']);
    need('brevo', ['BREVO_API_KEY', 'BREVO_SENDER']);
    need('free-mobile', ['FREE_MOBILE_USER', 'FREE_MOBILE_PASS', 'FREE_MOBILE_PHONE']);
    if (c.FREE_MOBILE_PHONE && !checkMobileNumber(c.FREE_MOBILE_PHONE, c.SMS_DEFAULT_COUNTRY as never).ok) {
      ctx.addIssue({ code: 'custom', path: ['FREE_MOBILE_PHONE'], message: 'must be a valid mobile number' });
    }
    if (new Set(c.SMS_PROVIDERS).size !== c.SMS_PROVIDERS.length) {
      ctx.addIssue({ code: 'custom', path: ['SMS_PROVIDERS'], message: 'lists a provider twice' });
    }
    if (c.SMS_ACK_WAIT_MS <= c.SMS_SEND_TIMEOUT_MS * c.SMS_PROVIDERS.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['SMS_ACK_WAIT_MS'],
        message:
          'must be longer than SMS_SEND_TIMEOUT_MS times the number of providers (a command must not be redelivered while still being sent)',
      });
    }
  });

export type SmsDeliveryConfig = z.output<typeof SmsDeliveryConfigSchema>;
