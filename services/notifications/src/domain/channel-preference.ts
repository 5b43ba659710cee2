import { E164 } from '@express-quote/contracts';
import { z } from 'zod';

/**
 * How a recipient wants their text messages: SMS (the default), WhatsApp instead, or both. Keyed by the phone
 * number that receives them (E.164), the same key a text notification's id is derived from.
 */
export const CHANNEL_PREFERENCES = ['SMS', 'WHATSAPP', 'BOTH'] as const;
export const ChannelPreference = z.enum(CHANNEL_PREFERENCES);
export type ChannelPreference = z.infer<typeof ChannelPreference>;

export const DEFAULT_CHANNEL_PREFERENCE: ChannelPreference = 'SMS';

export const PreferenceRecipientKey = E164;

export type TextChannel = 'sms' | 'whatsapp';

/** The channels a text message goes out on for a preference, SMS first. */
export const textChannelsFor = (preference: ChannelPreference): TextChannel[] => {
  switch (preference) {
    case 'SMS':
      return ['sms'];
    case 'WHATSAPP':
      return ['whatsapp'];
    case 'BOTH':
      return ['sms', 'whatsapp'];
    default: {
      const unreachable: never = preference;
      throw new Error(`unknown channel preference ${String(unreachable)}`);
    }
  }
};

/** Preferences known for some recipients; anyone else gets the default. */
export type PreferenceLookup = (recipientKey: string) => ChannelPreference;

export const preferenceLookup =
  (known: ReadonlyMap<string, ChannelPreference>): PreferenceLookup =>
  (key) =>
    known.get(key) ?? DEFAULT_CHANNEL_PREFERENCE;
