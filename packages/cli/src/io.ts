import { maskPersonalData } from '@express-quote/service-kit';

/** Where a command writes; `write` never throws on a closed pipe (`eq trace … | head`). */
export interface Output {
  write(text: string): void;
  /** Writes `text` and a newline. */
  line(text?: string): void;
  readonly isTTY: boolean;
}

export interface Io {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl-C: long commands stop cleanly (replay saves its checkpoint). */
  readonly signal: AbortSignal;
}

/**
 * An output that masks e-mail addresses and phone numbers (`j***@example.fr`, `+336******78`) unless `reveal`:
 * a terminal gets copied into tickets and chat; the person's data stays in the system.
 */
export const createOutput = (
  target: { write(text: string): unknown; isTTY?: boolean },
  reveal: boolean,
): Output => {
  const write = (text: string) => {
    try {
      target.write(reveal ? text : maskPersonalData(text));
    } catch {
      // EPIPE: the reader went away; nothing useful to do with the rest.
    }
  };
  return { write, line: (text = '') => write(`${text}\n`), isTTY: target.isTTY === true };
};

export const processIo = (signal: AbortSignal): Io => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  signal,
});
