import { describe, expect, it } from 'vitest';
import { dayOfReminderAt, respondByFor } from '../src/domain/business-time.ts';

describe('dayOfReminderAt (04:00 Europe/Paris on the service day)', () => {
  it.each([
    ['2026-01-15', '2026-01-15T03:00:00.000Z'], // winter time, UTC+1
    ['2026-07-14', '2026-07-14T02:00:00.000Z'], // summer time, UTC+2
    ['2026-03-29', '2026-03-29T02:00:00.000Z'], // clocks go forward at 02:00 that night: 04:00 is already CEST
    ['2026-10-25', '2026-10-25T03:00:00.000Z'], // clocks go back at 03:00 that night: 04:00 is CET again
    ['2026-03-28', '2026-03-28T03:00:00.000Z'],
    ['2026-10-24', '2026-10-24T02:00:00.000Z'],
  ])('%s → %s', (date, expected) => {
    expect(dayOfReminderAt(date).toISOString()).toBe(expected);
  });
});

describe('respondByFor', () => {
  const timeouts = { normalMs: 4 * 3_600_000, urgentMs: 3_600_000 };
  const now = new Date('2026-06-01T10:00:00.000Z');

  it('gives the normal timeout, or the urgent one', () => {
    expect(respondByFor(now, '2026-06-20T06:00:00.000Z', false, timeouts).toISOString()).toBe(
      '2026-06-01T14:00:00.000Z',
    );
    expect(respondByFor(now, '2026-06-20T06:00:00.000Z', true, timeouts).toISOString()).toBe(
      '2026-06-01T11:00:00.000Z',
    );
  });

  it('never runs past the start of the service', () => {
    expect(respondByFor(now, '2026-06-01T12:00:00.000Z', false, timeouts).toISOString()).toBe(
      '2026-06-01T12:00:00.000Z',
    );
  });

  it('keeps a future deadline for a service already started', () => {
    expect(respondByFor(now, '2026-06-01T09:00:00.000Z', false, timeouts).toISOString()).toBe(
      '2026-06-01T14:00:00.000Z',
    );
  });
});
