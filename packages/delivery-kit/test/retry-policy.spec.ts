import { describe, expect, it } from 'vitest';
import { backoffDelayMs, retryDelayMs } from '../src/retry-policy.ts';

const table = [1_000, 5_000, 30_000];

describe('backoffDelayMs', () => {
  it.each([
    [0, 1_000],
    [1, 1_000],
    [2, 5_000],
    [3, 30_000],
    [9, 30_000],
  ])('delivery %i waits %i ms (last step repeated)', (delivery, expected) => {
    expect(backoffDelayMs(table, delivery)).toBe(expected);
  });

  it('refuses an empty table', () => {
    expect(() => backoffDelayMs([], 1)).toThrow('backoff table is empty');
  });
});

describe('retryDelayMs', () => {
  it.each([
    ['backoff step', 2, null, 0, 5_000],
    ['Retry-After longer than the step', 2, 12_000, 0, 12_000],
    ['Retry-After shorter than the step', 3, 2_000, 0, 30_000],
    ['jitter at most +20 %', 1, null, 1, 1_200],
    ['jitter on the longer wait', 1, 10_000, 0.5, 11_000],
  ] as const)('%s', (_what, deliveryCount, atLeastMs, random, expected) => {
    expect(retryDelayMs({ backoffMs: table, deliveryCount, atLeastMs, random: () => random })).toBe(expected);
  });
});
