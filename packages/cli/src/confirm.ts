import { createInterface } from 'node:readline/promises';
import type { Context } from './command.ts';
import { UsageError } from './command.ts';

/**
 * Asks before a destructive step. `--yes` answers for scripts; without it, a terminal gets a y/N prompt and
 * anything else (cron, a pipe) is refused: a destructive command never runs on a guess.
 */
export const confirm = async (
  ctx: Context,
  question: string,
  yes: boolean | undefined,
  usage?: string,
): Promise<boolean> => {
  if (yes) return true;
  if (!ctx.io.stdin.isTTY) {
    throw new UsageError(
      `${question} Refused: pass --yes to confirm (stdin is not a terminal, nobody can answer)`,
      usage,
    );
  }
  const rl = createInterface({
    input: ctx.io.stdin,
    output: ctx.io.stderr as NodeJS.WritableStream,
    terminal: false,
  });
  try {
    ctx.err.write(`${question} [y/N] `);
    const answer = await rl.question('', { signal: ctx.io.signal }).catch(() => '');
    const ok = /^(y|yes|o|oui)$/i.test(answer.trim());
    if (!ok) ctx.err.line('aborted: nothing was changed');
    return ok;
  } finally {
    rl.close();
  }
};
