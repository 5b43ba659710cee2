/**
 * The cost of one SMS in EUR micros: what the provider's answer said, else the configured price of a segment
 * times the segments, else unknown (null).
 */
export const smsCostMicros = (options: {
  provider: string;
  segments: number;
  fromProvider: number | null;
  pricePerSegmentMicros: Readonly<Record<string, number>>;
}): number | null => {
  if (options.fromProvider !== null) return options.fromProvider;
  const unit = options.pricePerSegmentMicros[options.provider];
  return unit === undefined ? null : unit * options.segments;
};
