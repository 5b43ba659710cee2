import { setTimeout as delay } from 'node:timers/promises';

/**
 * A poll interval that a notification can cut short. A wake-up that arrives while the reader is busy is kept,
 * so the next wait returns at once instead of sleeping past fresh events.
 */
export class Wakeup {
  #pending = false;
  #release: (() => void) | undefined;

  wake(): void {
    const release = this.#release;
    if (release) {
      this.#release = undefined;
      release();
    } else {
      this.#pending = true;
    }
  }

  async wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.#pending || signal.aborted) {
      this.#pending = false;
      return;
    }
    const early = new AbortController();
    this.#release = () => early.abort();
    try {
      await delay(ms, undefined, { signal: AbortSignal.any([signal, early.signal]) });
    } catch {
      // Woken or stopped: either way the caller looks at the world again.
    } finally {
      this.#release = undefined;
    }
  }
}

/** Sleeps `ms` unless `signal` aborts first; never throws. */
export const pause = async (ms: number, signal: AbortSignal): Promise<void> => {
  try {
    await delay(ms, undefined, { signal });
  } catch {
    // stopped
  }
};
