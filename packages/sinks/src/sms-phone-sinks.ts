import { type SmsSink, startSmsSink } from './sms-sink.ts';
import { SmsStore } from './sms-store.ts';
import { startWhatsAppEmulator, type WhatsAppEmulator } from './whatsapp-emulator.ts';

export interface PhoneSinksOptions {
  host?: string;
  /** Fixed ports (the demo); 0 / absent picks free ones. */
  ports?: { twilio?: number; vonage?: number; brevo?: number; freeMobile?: number; whatsapp?: number };
  /** Report delivery (Twilio callbacks, WhatsApp sent/delivered/read webhooks) on their own, after this delay. */
  autoReportDelayMs?: number | null;
}

export interface PhoneSinks {
  /** Every SMS and WhatsApp message captured, in arrival order. */
  readonly store: SmsStore;
  readonly sms: SmsSink;
  readonly whatsapp: WhatsAppEmulator;
  /**
   * Variables for sms-delivery and whatsapp-delivery (names do not overlap, so one env can go to every service):
   * provider URLs and credentials, and where each service listens for delivery reports.
   */
  env(where: { smsDeliveryUrl: string; whatsappDeliveryUrl: string }): Record<string, string>;
  close(): Promise<void>;
}

/** The verify token of the local WhatsApp webhook subscription (never a production value). */
export const LOCAL_WHATSAPP_VERIFY_TOKEN = 'local-whatsapp-verify-token-0123456789';

/** The SMS provider emulators and the WhatsApp Cloud API emulator together, for the demo and end-to-end tests. */
export const startPhoneSinks = async (options: PhoneSinksOptions = {}): Promise<PhoneSinks> => {
  const store = new SmsStore();
  const auto = options.autoReportDelayMs ?? null;
  const sms = await startSmsSink({
    ...(options.host ? { host: options.host } : {}),
    ports: options.ports ?? {},
    store,
    twilioAutoReport: auto === null ? null : { status: 'delivered', delayMs: auto },
  });
  const whatsapp = await startWhatsAppEmulator({
    ...(options.host ? { host: options.host } : {}),
    port: options.ports?.whatsapp ?? 0,
    store,
    windowErrors: 'sync',
    autoStatuses: auto === null ? null : { delayMs: auto },
  });
  return {
    store,
    sms,
    whatsapp,
    env({ smsDeliveryUrl, whatsappDeliveryUrl }) {
      whatsapp.setWebhookUrl(`${whatsappDeliveryUrl.replace(/\/$/, '')}/api/webhooks/whatsapp`);
      return {
        ...sms.env({ providers: ['twilio', 'vonage', 'brevo'], publicBaseUrl: smsDeliveryUrl }),
        WHATSAPP_API_BASE_URL: whatsapp.url,
        WHATSAPP_ACCESS_TOKEN: whatsapp.accessToken,
        WHATSAPP_PHONE_NUMBER_ID: whatsapp.phoneNumberId,
        WHATSAPP_APP_SECRET: whatsapp.appSecret,
        WHATSAPP_VERIFY_TOKEN: LOCAL_WHATSAPP_VERIFY_TOKEN,
      };
    },
    async close() {
      await Promise.all([sms.close(), whatsapp.close()]);
    },
  };
};
