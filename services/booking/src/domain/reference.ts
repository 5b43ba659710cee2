/** `EQ-<year>-<6 digits>`: the booking reference people read on documents and messages. */
export const formatReference = (year: number, sequence: number): string => {
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999_999) {
    throw new RangeError(`booking reference sequence out of range for ${year}: ${sequence}`);
  }
  return `EQ-${year}-${String(sequence).padStart(6, '0')}`;
};
