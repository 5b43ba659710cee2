import { TZDate } from '@date-fns/tz';

/** Business times (the day-of reminder) are read on a Paris clock. */
export const BUSINESS_TIME_ZONE = 'Europe/Paris';

/** Seed 4.2.c: the assigned professional is reminded at 04:00 on the day of the service. */
export const DAY_OF_REMINDER_HOUR = 4;

/**
 * 04:00 Paris time on `date` (YYYY-MM-DD) as a UTC instant: 02:00Z under summer time, 03:00Z under winter time,
 * including on the two days the clocks change (the change happens at 02:00/03:00, before or after 04:00 is
 * unambiguous on both).
 */
export const dayOfReminderAt = (date: string): Date => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d, DAY_OF_REMINDER_HOUR, 0, 0, 0, BUSINESS_TIME_ZONE).getTime());
};

export interface ResponseTimeouts {
  normalMs: number;
  urgentMs: number;
}

/**
 * How long professionals get to answer a proposal: the configured timeout (shorter for an urgent booking), but
 * never past the start of the service, when an answer is useless. A service already started (a late replay)
 * keeps the full timeout so that the deadline is always in the future.
 */
export const respondByFor = (
  now: Date,
  startsAt: string,
  urgent: boolean,
  timeouts: ResponseTimeouts,
): Date => {
  const byTimeout = now.getTime() + (urgent ? timeouts.urgentMs : timeouts.normalMs);
  const start = Date.parse(startsAt);
  return new Date(start > now.getTime() ? Math.min(byTimeout, start) : byTimeout);
};
