import { TZDate } from '@date-fns/tz';
import type { ServiceSchedule } from '@express-quote/contracts';

/** Every business time (service date, "today", urgency, the reference year) is read on a Paris clock. */
export const BUSINESS_TIME_ZONE = 'Europe/Paris';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The instant of a Paris wall-clock time, or null when that time does not exist (spring-forward gap). */
export const parisInstant = (date: string, time: string): Date | null => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const zoned = new TZDate(y, m - 1, d, hh, mm, 0, 0, BUSINESS_TIME_ZONE);
  // TZDate silently moves a non-existent local time (02:30 on the last Sunday of March) one hour later.
  if (zoned.getHours() !== hh || zoned.getMinutes() !== mm || zoned.getDate() !== d) return null;
  return new Date(zoned.getTime());
};

/** `YYYY-MM-DD` of an instant in Paris. */
export const parisDate = (instant: Date): string => {
  const z = new TZDate(instant.getTime(), BUSINESS_TIME_ZONE);
  return `${z.getFullYear()}-${pad(z.getMonth() + 1)}-${pad(z.getDate())}`;
};

export const parisYear = (instant: Date): number =>
  new TZDate(instant.getTime(), BUSINESS_TIME_ZONE).getFullYear();

/** Whole calendar days from `from` to `to` (both `YYYY-MM-DD`). */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

export const toSchedule = (
  date: string,
  startTime: string,
  endTime: string,
  startsAt: Date,
): ServiceSchedule => ({
  date,
  startTime,
  endTime,
  timeZone: BUSINESS_TIME_ZONE,
  startsAt: startsAt.toISOString(),
});

/** Urgent: the service starts within `windowMs` of the confirmation (48 h by default). */
export const isUrgent = (schedule: ServiceSchedule, confirmedAt: Date, windowMs: number): boolean =>
  Date.parse(schedule.startsAt) - confirmedAt.getTime() <= windowMs;
