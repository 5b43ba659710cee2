/**
 * VAT arithmetic of an invoice, in integer cents. Whatever the input shape, every line and every total satisfies
 * HT + VAT = TTC exactly and the lines add up to the totals: totals are computed (or taken) first, then spread over
 * the lines with the largest remainder method (rounding each line separately would not add up).
 */
export interface TaxedLine {
  label: string;
  htCents: number;
  vatCents: number;
  ttcCents: number;
  /** Outside the scope of VAT (insurance premiums, art. 261 C CGI): HT = TTC. */
  vatExempt: boolean;
}

export interface VatBreakdown {
  lines: TaxedLine[];
  /** Every line before VAT, exempt ones included. */
  totalHtCents: number;
  totalVatCents: number;
  totalTtcCents: number;
  /** Part of the totals outside the scope of VAT. */
  exemptCents: number;
  vatRatePercent: number;
}

/** Rate in hundredths of a percent (20 % → 2000, 5.5 % → 550) so that all arithmetic stays in integers. */
export const rateInBasisPoints = (percent: number): number => {
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

/** Integers near `total × weight / Σ weights` that add up to `total` exactly (Σ weights must be positive). */
export const allocate = (total: number, weights: readonly number[]): number[] => {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) throw new RangeError('cannot allocate over weights that do not add up to a positive amount');
  const shares = weights.map((w, index) => ({ index, ...floorDivision(total * w, sum) }));
  let missing = total - shares.reduce((acc, s) => acc + s.quotient, 0);
  // Floors lose less than one unit per share, so 0 <= missing < shares: those units go to the shares that lost
  // the most (ties: first share first, so the result is deterministic).
  const result = shares.map((s) => s.quotient);
  for (const share of [...shares].sort((a, b) => b.remainder - a.remainder || a.index - b.index)) {
    if (missing <= 0) break;
    result[share.index] = (result[share.index] ?? 0) + 1;
    missing -= 1;
  }
  return result;
};

const assertCents = (lines: ReadonlyArray<{ label: string; amountCents: number }>) => {
  for (const line of lines) {
    if (!Number.isSafeInteger(line.amountCents)) {
      throw new RangeError(`line "${line.label}" must be integer cents, got ${line.amountCents}`);
    }
  }
};

/** Lines whose amounts include VAT (TTC): the total HT is the rounded (half up) exact value of TTC / (1 + rate). */
export const vatBreakdown = (
  lines: ReadonlyArray<{ label: string; amountCents: number }>,
  vatRatePercent: number,
): VatBreakdown => {
  const divisor = 10_000 + rateInBasisPoints(vatRatePercent);
  assertCents(lines);
  const totalTtcCents = lines.reduce((sum, l) => sum + l.amountCents, 0);
  const totalHtCents = roundedDivision(totalTtcCents * 10_000, divisor);
  // Floors of each line's exact HT lose less than a cent each; the missing cents go to the lines that lost the
  // most (ties: first line first), so every line stays within a cent of its exact value.
  const shares = lines.map((line, index) => ({
    index,
    ...floorDivision(line.amountCents * 10_000, divisor),
  }));
  let missing = totalHtCents - shares.reduce((sum, sh) => sum + sh.quotient, 0);
  const ht = shares.map((sh) => sh.quotient);
  for (const share of [...shares].sort((a, b) => b.remainder - a.remainder || a.index - b.index)) {
    if (missing <= 0) break;
    ht[share.index] = (ht[share.index] ?? 0) + 1;
    missing -= 1;
  }
  const taxed = lines.map((line, i) => ({
    label: line.label,
    htCents: ht[i] ?? 0,
    vatCents: line.amountCents - (ht[i] ?? 0),
    ttcCents: line.amountCents,
    vatExempt: false,
  }));
  return {
    lines: taxed,
    totalHtCents: taxed.reduce((sum, l) => sum + l.htCents, 0),
    totalVatCents: taxed.reduce((sum, l) => sum + l.vatCents, 0),
    totalTtcCents,
    exemptCents: 0,
    vatRatePercent,
  };
};

/**
 * Lines before VAT (HT) with the VAT amount stated once for all of them (one rounding on the whole net amount, as
 * the booking service prices), plus lines outside the scope of VAT. The stated VAT is spread over the taxable lines
 * in proportion to their HT amounts, so each line shows its own HT + VAT = TTC.
 */
export const vatBreakdownFromNet = (input: {
  taxable: ReadonlyArray<{ label: string; amountCents: number }>;
  exempt: ReadonlyArray<{ label: string; amountCents: number }>;
  vatCents: number;
  vatRatePercent: number;
}): VatBreakdown => {
  rateInBasisPoints(input.vatRatePercent);
  assertCents([...input.taxable, ...input.exempt, { label: 'TVA', amountCents: input.vatCents }]);
  const netCents = input.taxable.reduce((sum, l) => sum + l.amountCents, 0);
  const vatShares =
    input.vatCents === 0
      ? input.taxable.map(() => 0)
      : allocate(
          input.vatCents,
          input.taxable.map((l) => l.amountCents),
        );
  const lines: TaxedLine[] = [
    ...input.taxable.map((line, i) => ({
      label: line.label,
      htCents: line.amountCents,
      vatCents: vatShares[i] ?? 0,
      ttcCents: line.amountCents + (vatShares[i] ?? 0),
      vatExempt: false,
    })),
    ...input.exempt.map((line) => ({
      label: line.label,
      htCents: line.amountCents,
      vatCents: 0,
      ttcCents: line.amountCents,
      vatExempt: true,
    })),
  ];
  const exemptCents = input.exempt.reduce((sum, l) => sum + l.amountCents, 0);
  return {
    lines,
    totalHtCents: netCents + exemptCents,
    totalVatCents: input.vatCents,
    totalTtcCents: netCents + exemptCents + input.vatCents,
    exemptCents,
    vatRatePercent: input.vatRatePercent,
  };
};
