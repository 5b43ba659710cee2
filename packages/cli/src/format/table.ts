/** Left-aligned columns padded to their widest cell; the last column is not padded. */
export const table = (rows: readonly (readonly string[])[], options: { indent?: string } = {}): string[] => {
  if (rows.length === 0) return [];
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  }
  const indent = options.indent ?? '';
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - [...cell].length)))
        .join('  ')
        .trimEnd(),
  );
};
