const NBSP = '\u00a0';

/**
 * French amount from integer cents: `1 234,56 €`. Built by hand rather than with Intl because fr-FR groups
 * thousands with U+202F, which the PDF standard fonts (WinAnsi) cannot draw; a no-break space can.
 */
export const formatEuros = (cents: number): string => {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`amount must be integer cents, got ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const euros = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  const rest = (abs % 100).toString().padStart(2, '0');
  return `${sign}${euros},${rest}${NBSP}€`;
};

/** `20 %`, `5,5 %` (French decimal comma, no-break space before the sign). */
export const formatPercent = (percent: number): string => `${String(percent).replace('.', ',')}${NBSP}%`;
