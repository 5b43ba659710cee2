import { measureSms } from './sms-text.ts';

/**
 * The longest start of `text` (cut at a word, ending with "...") that fits in `maxSegments`. For free texts such
 * as a staff alert, where the beginning says what matters; returns `text` itself when it already fits.
 */
export const truncateToSegments = (text: string, maxSegments: number): string => {
  if (measureSms(text).segments <= maxSegments) return text;
  const fits = (length: number) =>
    measureSms(`${text.slice(0, length).trimEnd()}...`).segments <= maxSegments;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  const cut = text.slice(0, low);
  const lastSpace = cut.lastIndexOf(' ');
  // A word boundary unless that throws most of the budget away (one very long word).
  const atWord = lastSpace > low * 0.6 ? cut.slice(0, lastSpace) : cut;
  return `${atWord.trimEnd()}...`;
};
