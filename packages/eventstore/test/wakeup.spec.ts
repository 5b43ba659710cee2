import { describe, expect, it } from 'vitest';
import { Wakeup } from '../src/wakeup.ts';

// Waits are one minute long: a wake-up that did not work would fail the test by its 30 s timeout.
const MINUTE = 60_000;

describe('Wakeup', () => {
  it('cuts a wait short', async () => {
    const wakeup = new Wakeup();
    const waiting = wakeup.wait(MINUTE, new AbortController().signal);
    wakeup.wake();
    await expect(waiting).resolves.toBeUndefined();
  });

  it('keeps a wake-up that arrives while nobody waits, for the next wait only', async () => {
    const wakeup = new Wakeup();
    wakeup.wake();
    wakeup.wake();
    await wakeup.wait(MINUTE, new AbortController().signal);
    let settled = false;
    const next = wakeup.wait(MINUTE, new AbortController().signal).then(() => {
      settled = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    wakeup.wake();
    await next;
  });

  it('returns when stopped', async () => {
    const stop = new AbortController();
    const waiting = new Wakeup().wait(MINUTE, stop.signal);
    stop.abort();
    await expect(waiting).resolves.toBeUndefined();
  });
});
