import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startPeriodicTask } from '../src/index.ts';

const HOUR = 3_600_000;

describe('startPeriodicTask', () => {
  it('shares a pass in progress instead of overlapping it', async () => {
    let runs = 0;
    let release: () => void = () => {};
    const task = startPeriodicTask({
      run: () => {
        runs++;
        return new Promise<number>((resolve) => {
          release = () => resolve(runs);
        });
      },
      intervalMs: HOUR,
      fallback: -1,
    });
    const first = task.tick();
    const second = task.tick();
    release();
    expect(await Promise.all([first, second])).toEqual([1, 1]);
    expect(runs).toBe(1);
    await task.stop();
  });

  it('turns a failed pass into the fallback, logs it with the failure count, and runs again next tick', async () => {
    const lines: Array<{ failures: number; msg: string }> = [];
    const logger = pino({ level: 'error' }, { write: (l: string) => lines.push(JSON.parse(l)) });
    let fail = true;
    const task = startPeriodicTask({
      run: async () => {
        if (fail) throw new Error('postgres away');
        return ['done'];
      },
      intervalMs: HOUR,
      fallback: [] as string[],
      logger,
      failureMessage: 'pass failed',
    });
    expect(await task.tick()).toEqual([]);
    expect(await task.tick()).toEqual([]);
    fail = false;
    expect(await task.tick()).toEqual(['done']);
    expect(lines.map((l) => [l.msg, l.failures])).toEqual([
      ['pass failed', 1],
      ['pass failed', 2],
    ]);
    await task.stop();
  });

  it('stop() waits for the pass in progress; runAtStart runs one at once', async () => {
    let finished = false;
    const task = startPeriodicTask({
      run: async () => {
        await new Promise((r) => setTimeout(r, 20));
        finished = true;
      },
      intervalMs: HOUR,
      fallback: undefined,
      runAtStart: true,
    });
    await task.stop();
    expect(finished).toBe(true);
  });

  it('refuses an interval that is not a positive integer', () => {
    expect(() => startPeriodicTask({ run: async () => 1, intervalMs: 0, fallback: 0 })).toThrowError(
      /positive integer/,
    );
  });
});
