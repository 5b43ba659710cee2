import { humanDuration } from './format/time.ts';
import type { Output } from './io.ts';

export interface Progress {
  /** Sets the number of items done (absolute) and the total when it is known better. */
  update(done: number, total?: number): void;
  finish(): void;
}

const BAR = 24;

/**
 * A progress line on stderr: events done / total, rate, ETA. On a terminal it redraws one line; elsewhere (cron,
 * CI, a pipe) it prints a plain line at most every `plainEveryMs`, so logs stay readable.
 */
export const createProgress = (
  out: Output,
  label: string,
  total: number,
  options: { now?: () => number; plainEveryMs?: number } = {},
): Progress => {
  const now = options.now ?? (() => performance.now());
  const started = now();
  let lastPlain = -Infinity;
  let done = 0;
  let width = 0;
  const render = (final: boolean) => {
    const elapsed = (now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const remaining = Math.max(0, total - done);
    const eta = rate > 0 ? (remaining / rate) * 1000 : Number.POSITIVE_INFINITY;
    const ratio = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(ratio * BAR);
    const text =
      `${label} [${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}` +
      ` ${Math.round(ratio * 100)}%  ${Math.round(rate).toLocaleString('en-US')} ev/s  ` +
      (final ? `in ${humanDuration(elapsed * 1000)}` : `ETA ${remaining === 0 ? '0s' : humanDuration(eta)}`);
    if (out.isTTY) {
      out.write(`\r${text}${' '.repeat(Math.max(0, width - text.length))}${final ? '\n' : ''}`);
      width = text.length;
    } else if (final || now() - lastPlain >= (options.plainEveryMs ?? 5_000)) {
      out.line(text);
      lastPlain = now();
    }
  };
  return {
    update(value, newTotal) {
      done = value;
      if (newTotal !== undefined) total = newTotal;
      if (total < done) total = done;
      render(false);
    },
    finish() {
      render(true);
    },
  };
};
