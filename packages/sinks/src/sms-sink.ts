import { type BrevoEmulator, startBrevoEmulator } from './sms-brevo-emulator.ts';
import { type FreeMobileEmulator, startFreeMobileEmulator } from './sms-free-mobile-emulator.ts';
import { SmsStore } from './sms-store.ts';
import {
  startTwilioEmulator,
  type TwilioEmulator,
  type TwilioEmulatorOptions,
} from './sms-twilio-emulator.ts';
import { startVonageEmulator, type VonageEmulator } from './sms-vonage-emulator.ts';

export interface SmsSinkOptions {
  host?: string;
  /** Fixed ports for the demo; 0 (default) picks free ones. */
  ports?: { twilio?: number; vonage?: number; brevo?: number; freeMobile?: number };
  freeMobileOwnerPhone?: string;
  twilioAutoReport?: TwilioEmulatorOptions['autoReport'];
  maxMessages?: number;
  /** Share a store with other emulators (the WhatsApp one in startPhoneSinks). */
  store?: SmsStore;
}

export interface SmsSink {
  readonly store: SmsStore;
  readonly twilio: TwilioEmulator;
  readonly vonage: VonageEmulator;
  readonly brevo: BrevoEmulator;
  readonly freeMobile: FreeMobileEmulator;
  /**
   * The sms-delivery variables that point it at these emulators, with their credentials. `publicBaseUrl` is where
   * the service listens, for Twilio's status callbacks.
   */
  env(options?: { providers?: string[]; publicBaseUrl?: string }): Record<string, string>;
  /** Switches every fault off and forgets captured messages. */
  reset(): void;
  close(): Promise<void>;
}

/** Every SMS provider emulator at once, sharing one store of captured messages. */
export const startSmsSink = async (options: SmsSinkOptions = {}): Promise<SmsSink> => {
  const store =
    options.store ??
    new SmsStore(options.maxMessages === undefined ? {} : { maxMessages: options.maxMessages });
  const host = options.host ?? '127.0.0.1';
  const twilio = await startTwilioEmulator({
    host,
    port: options.ports?.twilio ?? 0,
    store,
    autoReport: options.twilioAutoReport ?? null,
  });
  const vonage = await startVonageEmulator({ host, port: options.ports?.vonage ?? 0, store });
  const brevo = await startBrevoEmulator({ host, port: options.ports?.brevo ?? 0, store });
  const freeMobile = await startFreeMobileEmulator({
    host,
    port: options.ports?.freeMobile ?? 0,
    store,
    ...(options.freeMobileOwnerPhone ? { ownerPhone: options.freeMobileOwnerPhone } : {}),
  });
  const all = [twilio, vonage, brevo, freeMobile];
  return {
    store,
    twilio,
    vonage,
    brevo,
    freeMobile,
    env: (envOptions = {}) => ({
      SMS_PROVIDERS: (envOptions.providers ?? ['twilio', 'vonage', 'brevo']).join(','),
      ...(envOptions.publicBaseUrl ? { SMS_PUBLIC_BASE_URL: envOptions.publicBaseUrl } : {}),
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_FROM: 'ExpressQuote',
      TWILIO_BASE_URL: twilio.url,
      VONAGE_API_KEY: vonage.apiKey,
      VONAGE_API_SECRET: vonage.apiSecret,
      VONAGE_FROM: 'ExpressQuote',
      VONAGE_BASE_URL: vonage.url,
      BREVO_API_KEY: brevo.apiKey,
      BREVO_SENDER: 'ExpressQuot',
      BREVO_BASE_URL: brevo.url,
      FREE_MOBILE_USER: freeMobile.user,
      FREE_MOBILE_PASS: freeMobile.pass,
      FREE_MOBILE_PHONE: freeMobile.ownerPhone,
      FREE_MOBILE_BASE_URL: freeMobile.url,
    }),
    reset() {
      store.clear();
      for (const emulator of all) emulator.faults.clear();
    },
    async close() {
      await Promise.all(all.map((e) => e.close()));
    },
  };
};
