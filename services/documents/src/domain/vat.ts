/**
 * Splits amounts that include VAT (TTC, as carried by events) into HT + VAT to the cent. The total HT is the
 * rounded (half up) exact value of TTC / (1 + rate); line HT amounts are allocated from it with the largest
 * remainder method, so every line and every total satisfies HT + VAT = TTC exactly and the lines add up to the
 * totals (the rounding of each line separately would not).
 */
export interface TaxedLine {
  label: string;
  htCents: number;
  vatCents: number;
  ttcCents: number;
}

export interface VatBreakdown {
  lines: TaxedLine[];
  totalHtCents: number;
  totalVatCents: number;
  totalTtcCents: number;
  vatRatePercent: number;
}

/** Rate in hundredths of a percent (20 % → 2000, 5.5 % → 550) so that all arithmetic stays in integers. */
const rateInBasisPoints = (percent: number): number => {
  const bp = Math.round(percent * 100);
  if (percent < 0 || Math.abs(bp - percent * 100) > 1e-6) {
    throw new RangeError(
      `VAT rate must be a non-negative percentage with at most 2 decimals, got ${percent}`,
    );
  }
  return bp;
};

/** Exact integer division with floor semantics and the remainder in [0, divisor). */
const floorDivision = (dividend: number, divisor: number): { quotient: number; remainder: number } => {
  let quotient = Math.floor(dividend / divisor);
  let remainder = dividend - quotient * divisor;
  // Guards against the float division landing one off for large dividends.
  if (remainder < 0) {
    quotient -= 1;
    remainder += divisor;
  } else if (remainder >= divisor) {
    quotient += 1;
    remainder -= divisor;
  }
  return { quotient, remainder };
};

/** Rounds dividend / divisor half away from zero. */
const roundedDivision = (dividend: number, divisor: number): number => {
  const sign = dividend < 0 ? -1 : 1;
  const { quotient, remainder } = floorDivision(Math.abs(dividend), divisor);
  return sign * (remainder * 2 >= divisor ? quotient + 1 : quotient);
};

export const vatBreakdown = (
  lines: ReadonlyArray<{ label: string; amountCents: number }>,
  vatRatePercent: number,
): VatBreakdown => {
  const bp = rateInBasisPoints(vatRatePercent);
  const divisor = 10_000 + bp;
  for (const line of lines) {
    if (!Number.isSafeInteger(line.amountCents)) {
      throw new RangeError(`line "${line.label}" must be integer cents, got ${line.amountCents}`);
    }
  }
  const totalTtcCents = lines.reduce((sum, l) => sum + l.amountCents, 0);
  const totalHtCents = roundedDivision(totalTtcCents * 10_000, divisor);

  const shares = lines.map((line, index) => ({
    index,
    ...floorDivision(line.amountCents * 10_000, divisor),
  }));
  let missing = totalHtCents - shares.reduce((sum, s) => sum + s.quotient, 0);
  // The floors lose less than one cent per line, so 0 <= missing <= lines.length; hand those cents to the
  // lines that lost the most (ties: first line first, so the result is deterministic).
  const byRemainder = [...shares].sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  const htByIndex = shares.map((s) => s.quotient);
  for (const share of byRemainder) {
    if (missing <= 0) break;
    htByIndex[share.index] = (htByIndex[share.index] ?? 0) + 1;
    missing -= 1;
  }

  const taxed = lines.map((line, i) => {
    const htCents = htByIndex[i] ?? 0;
    return { label: line.label, htCents, vatCents: line.amountCents - htCents, ttcCents: line.amountCents };
  });
  return {
    lines: taxed,
    totalHtCents,
    totalVatCents: totalTtcCents - totalHtCents,
    totalTtcCents,
    vatRatePercent,
  };
};
