import { SegmentedMessage } from 'sms-segments-calculator';

export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** What a text costs on the air: its encoding, its length in that encoding and the parts it is split into. */
export interface SmsMeasure {
  encoding: SmsEncoding;
  segments: number;
  /** Septets for GSM-7 (characters of the extension table such as € count twice), characters for UCS-2. */
  length: number;
  /** Characters that force UCS-2 (empty for GSM-7). */
  nonGsmCharacters: string[];
}

/**
 * Segment maths by Twilio's calculator (GSM-7: 160 septets, 153 per part of a concatenated message; UCS-2: 70, 67),
 * so what we record is what the providers bill.
 */
export const measureSms = (text: string): SmsMeasure => {
  const message = new SegmentedMessage(text);
  return {
    encoding: message.encodingName,
    segments: message.segmentsCount,
    length: message.numberOfCharacters,
    nonGsmCharacters: message.encodingName === 'UCS-2' ? message.getNonGsmCharacters() : [],
  };
};

// Typography that French formatting produces (Intl puts narrow no-break spaces in "1 234,56 €", the planner an
// en dash in "09h00 – 12h00") and that has a plain GSM-7 equivalent nobody would notice.
const TYPOGRAPHY: Readonly<Record<string, string>> = {
  '\u00a0': ' ',
  '\u202f': ' ',
  '\u2009': ' ',
  '\u2007': ' ',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u00ab': '"',
  '\u00bb': '"',
  '\u2026': '...',
  '\u2022': '-',
  œ: 'oe',
  Œ: 'OE',
};

const gsmCache = new Map<string, boolean>();
const isGsm7 = (char: string): boolean => {
  let known = gsmCache.get(char);
  if (known === undefined) {
    known = new SegmentedMessage(char).encodingName === 'GSM-7';
    gsmCache.set(char, known);
  }
  return known;
};

const COMBINING_MARKS = /\p{M}/gu;

/**
 * Makes a French text fit GSM-7 where that changes nothing a reader cares about: typographic spaces, dashes and
 * quotes become plain ones, and a letter whose accent is outside GSM-7 loses its accent (ê → e, ç → c, ë → e),
 * while the accents GSM-7 has (é è ù ì ò à É Ç) are kept. Anything else (emoji, other scripts) is left alone: the
 * message then goes out in UCS-2 rather than with a name mangled.
 */
export const toGsmFriendly = (text: string): string => {
  let out = '';
  for (const char of text.normalize('NFC')) {
    if (isGsm7(char)) {
      out += char;
      continue;
    }
    const typographic = TYPOGRAPHY[char];
    if (typographic !== undefined) {
      out += typographic;
      continue;
    }
    const bare = char.normalize('NFD').replace(COMBINING_MARKS, '');
    out += bare !== char && bare.length > 0 && [...bare].every(isGsm7) ? bare : char;
  }
  return out;
};
