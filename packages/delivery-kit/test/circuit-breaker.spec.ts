import { describe, expect, it } from 'vitest';
import { CircuitOpenError, createCircuitBreaker } from '../src/circuit-breaker.ts';

class Trouble extends Error {}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const breaker = (states: string[] = []) =>
  createCircuitBreaker({
    provider: 'acme',
    consecutiveFailures: 2,
    halfOpenAfterMs: 200,
    maxHalfOpenAfterMs: 300,
    isProviderTrouble: (error) => error instanceof Trouble,
    onStateChange: (state) => states.push(state),
  });

describe('createCircuitBreaker', () => {
  it('opens after consecutive provider trouble and then refuses without calling', async () => {
    const states: string[] = [];
    const guard = breaker(states);
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Trouble('503');
    };
    for (let i = 0; i < 2; i++) await expect(guard.execute(failing)).rejects.toBeInstanceOf(Trouble);
    expect(guard.state()).toBe('open');
    const refusal = await guard.execute(failing).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(CircuitOpenError);
    expect(refusal).toMatchObject({ provider: 'acme' });
    expect((refusal as CircuitOpenError).reopenInMs).toBeGreaterThan(0);
    expect((refusal as CircuitOpenError).reopenInMs).toBeLessThanOrEqual(200);
    expect(calls).toBe(2);
    expect(states).toEqual(['open']);
  });

  it('never opens on refusals of one message', async () => {
    const guard = breaker();
    for (let i = 0; i < 5; i++) {
      await expect(guard.execute(() => Promise.reject(new Error('invalid number')))).rejects.toThrow(
        'invalid number',
      );
    }
    expect(guard.state()).toBe('closed');
    expect(guard.reopenInMs()).toBeNull();
  });

  it('probes when due: a failed probe opens it for longer (up to the max), a successful one closes it', async () => {
    const states: string[] = [];
    const guard = breaker(states);
    for (let i = 0; i < 2; i++) await guard.execute(() => Promise.reject(new Trouble())).catch(() => {});
    await sleep(220);
    expect(guard.reopenInMs()).toBe(0);
    await expect(guard.execute(() => Promise.reject(new Trouble()))).rejects.toBeInstanceOf(Trouble);
    // Doubled from 200 ms, capped at 300 ms.
    expect(guard.reopenInMs()).toBeGreaterThan(200);
    expect(guard.reopenInMs()).toBeLessThanOrEqual(300);
    await sleep(320);
    await expect(guard.execute(async () => 'ok')).resolves.toBe('ok');
    expect(guard.state()).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });
});
