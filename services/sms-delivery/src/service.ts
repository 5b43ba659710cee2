import { type DeliveryService, reportCircuitState, startDeliveryService } from '@express-quote/delivery-kit';
import { createMetricsRegistry } from '@express-quote/service-kit';
import type { CountryCode } from 'libphonenumber-js/max';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createBrevoProvider } from './adapters/brevo.ts';
import { createFreeMobileProvider } from './adapters/free-mobile.ts';
import { type GuardedSmsProvider, withBreaker } from './adapters/provider-breaker.ts';
import type { SmsProvider, SmsProviderName } from './adapters/sms-provider.ts';
import { createTwilioProvider } from './adapters/twilio.ts';
import { createVonageProvider } from './adapters/vonage.ts';
import type { SmsDeliveryConfig } from './config.ts';
import { createDeliveryRecords, type Database } from './delivery-records.ts';
import { checkMobileNumber } from './domain/phone-number.ts';
import { createSmsHandler } from './handlers/notification-requested.ts';
import { twilioCallbackRoutes } from './http/twilio-callbacks.ts';
import { createSmsMetrics, type SmsMetrics } from './metrics.ts';
import { migrateSmsDelivery } from './migrations.ts';
import { createSmsRenderer } from './templates/renderer.ts';

export const SERVICE_NAME = 'sms-delivery';

/** Stops in order: HTTP, consumers (drain in-flight sends), NATS, Postgres. */
export type SmsDeliveryService = DeliveryService;

export interface StartOptions {
  config: SmsDeliveryConfig;
  logger: Logger;
  registry?: Registry;
}

/** The configured providers, in fallback order, each behind its own circuit breaker. */
export const buildProviders = (
  config: SmsDeliveryConfig,
  metrics: SmsMetrics,
  logger: Logger,
): GuardedSmsProvider[] => {
  const timeoutMs = config.SMS_SEND_TIMEOUT_MS;
  const make = (name: SmsProviderName): SmsProvider => {
    switch (name) {
      case 'twilio':
        return createTwilioProvider({
          accountSid: config.TWILIO_ACCOUNT_SID!,
          authToken: config.TWILIO_AUTH_TOKEN!,
          from: config.TWILIO_FROM,
          messagingServiceSid: config.TWILIO_MESSAGING_SERVICE_SID,
          baseUrl: config.TWILIO_BASE_URL,
          timeoutMs,
        });
      case 'vonage':
        return createVonageProvider({
          apiKey: config.VONAGE_API_KEY!,
          apiSecret: config.VONAGE_API_SECRET!,
          from: config.VONAGE_FROM!,
          baseUrl: config.VONAGE_BASE_URL,
          timeoutMs,
        });
      case 'brevo':
        return createBrevoProvider({
          apiKey: config.BREVO_API_KEY!,
          sender: config.BREVO_SENDER!,
          baseUrl: config.BREVO_BASE_URL,
          timeoutMs,
        });
      case 'free-mobile': {
        const owner = checkMobileNumber(config.FREE_MOBILE_PHONE!, config.SMS_DEFAULT_COUNTRY as CountryCode);
        if (!owner.ok) throw new Error(`FREE_MOBILE_PHONE: ${owner.reason}`);
        return createFreeMobileProvider({
          user: config.FREE_MOBILE_USER!,
          pass: config.FREE_MOBILE_PASS!,
          ownerPhone: owner.e164,
          baseUrl: config.FREE_MOBILE_BASE_URL,
          timeoutMs,
        });
      }
      default: {
        const unknown: never = name;
        throw new Error(`unknown SMS provider ${unknown as string}`);
      }
    }
  };
  return config.SMS_PROVIDERS.map((name) =>
    withBreaker(make(name), {
      consecutiveFailures: config.SMS_BREAKER_FAILURES,
      halfOpenAfterMs: config.SMS_BREAKER_HALF_OPEN_MS,
      maxHalfOpenAfterMs: config.SMS_BREAKER_MAX_HALF_OPEN_MS,
      onStateChange: reportCircuitState(metrics.circuitState, logger, {
        provider: name,
        label: `SMS provider ${name}`,
        whenOpen: 'skipped for now',
      }),
    }),
  );
};

export const startSmsDeliveryService = async ({
  config,
  logger,
  registry = createMetricsRegistry(SERVICE_NAME),
}: StartOptions): Promise<SmsDeliveryService> => {
  const renderer = createSmsRenderer({ brandName: config.SMS_BRAND_NAME });
  const metrics = createSmsMetrics(registry);
  const providers = buildProviders(config, metrics, logger);
  return startDeliveryService<Database>({
    name: SERVICE_NAME,
    channel: 'sms',
    config,
    logger,
    registry,
    migrate: migrateSmsDelivery,
    consumers: {
      concurrency: {
        CRITICAL: config.SMS_CRITICAL_CONCURRENCY,
        HIGH: config.SMS_HIGH_CONCURRENCY,
        NORMAL: config.SMS_NORMAL_CONCURRENCY,
      },
      maxDeliver: config.SMS_MAX_DELIVER,
      backoffMs: config.SMS_BACKOFF_MS,
      ackWaitMs: config.SMS_ACK_WAIT_MS,
    },
    wire: async ({ db, publisher }) => {
      const records = createDeliveryRecords(db);
      const handler = createSmsHandler({
        renderer,
        providers,
        records,
        publisher,
        metrics,
        settings: {
          brandName: config.SMS_BRAND_NAME,
          defaultCountry: config.SMS_DEFAULT_COUNTRY as CountryCode,
          publicBaseUrl: config.SMS_PUBLIC_BASE_URL ?? null,
          maxDeliver: config.SMS_MAX_DELIVER,
          backoffMs: config.SMS_BACKOFF_MS,
          sendTimeoutMs: config.SMS_SEND_TIMEOUT_MS,
          pricePerSegmentMicros: config.SMS_PRICE_PER_SEGMENT_MICROS,
        },
      });
      const authToken = config.TWILIO_AUTH_TOKEN;
      return {
        // No provider configured: commands wait in NOTIFY until one is.
        handler: providers.length > 0 ? handler : null,
        disabledReason:
          'SMS_PROVIDERS is empty: SMS sending is disabled, notify.sms.* commands wait in the stream until a provider is configured',
        register: async (app) => {
          if (!authToken) return;
          await app.register(
            twilioCallbackRoutes({
              authToken,
              publicBaseUrl: config.SMS_PUBLIC_BASE_URL ?? null,
              records,
              publisher,
              metrics,
            }),
          );
        },
        announce: {
          providers: config.SMS_PROVIDERS,
          templates: renderer.names,
          deliveryReports: config.SMS_PUBLIC_BASE_URL
            ? `${config.SMS_PUBLIC_BASE_URL}/api/callbacks/twilio`
            : 'off',
        },
      };
    },
  });
};
