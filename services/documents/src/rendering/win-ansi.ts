/**
 * The PDF standard fonts (Helvetica…) draw WinAnsi (cp1252) only; pdfkit writes any other character as garbage.
 * Text coming from people (names, cities) and from Intl (U+202F thin spaces) is brought into that set here:
 * spaces become their closest WinAnsi form, accented letters outside it lose their accent, the rest becomes '?'.
 * French needs nothing beyond cp1252 (é è ê à ç œ « » € are all in it).
 */

// cp1252 code points 0x80–0x9F, by Unicode value.
const CP1252_EXTRAS = new Set([
  0x20ac, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x017d,
  0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x017e,
  0x0178,
]);

/** Characters with a plain WinAnsi stand-in. */
const STAND_INS = new Map<string, string>([
  ['\u202f', '\u00a0'], // narrow no-break space (fr-FR Intl)
  ['\u2007', '\u00a0'], // figure space
  ['\u2009', ' '], // thin space
  ['\u200a', ' '], // hair space
  ['\u2002', ' '], // en space
  ['\u2003', ' '], // em space
  ['\u2212', '-'], // minus sign
  ['\u2010', '-'], // hyphen
  ['\u2011', '-'], // non-breaking hyphen
  ['\u2192', '->'], // arrows, as in "Paris → Lyon"
  ['\u2190', '<-'],
  ['\u21d2', '=>'],
  // Letters with a stroke do not decompose into letter + accent.
  ['\u0141', 'L'],
  ['\u0142', 'l'],
  ['\u0110', 'D'],
  ['\u0111', 'd'],
  ['\u0126', 'H'],
  ['\u0127', 'h'],
  ['\u0131', 'i'],
]);

const encodable = (codePoint: number): boolean =>
  (codePoint >= 0x20 && codePoint <= 0x7e) ||
  (codePoint >= 0xa0 && codePoint <= 0xff) ||
  CP1252_EXTRAS.has(codePoint);

const convertChar = (char: string): string => {
  const codePoint = char.codePointAt(0) ?? 0x3f;
  if (encodable(codePoint)) return char;
  if (codePoint === 0x0a) return char;
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0)) return ' ';
  const standIn = STAND_INS.get(char);
  if (standIn) return standIn;
  const stripped = char.normalize('NFD').replace(/\p{M}/gu, '');
  return [...stripped].every((c) => encodable(c.codePointAt(0) ?? 0)) && stripped !== '' ? stripped : '?';
};

export const toWinAnsi = (text: string): string => {
  const composed = text.normalize('NFC');
  let out = '';
  for (const char of composed) out += convertChar(char);
  return out;
};
