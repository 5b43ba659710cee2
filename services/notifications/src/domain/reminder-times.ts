import { TZDate } from '@date-fns/tz';

/** Business times (reminders, the 04:00 day-of) are read on a Paris clock, whatever the server's zone. */
export const BUSINESS_TIME_ZONE = 'Europe/Paris';

/** Seed 5.4: the customer is reminded 7 days, 24 hours and 1 hour before the service. */
export const CUSTOMER_REMINDER_TYPES = ['7d', '24h', '1h'] as const;
export type CustomerReminderType = (typeof CUSTOMER_REMINDER_TYPES)[number];

/** Seed 4.2.c: the assigned professional is reminded at 04:00 on the day of the service. */
export const DAY_OF_REMINDER_HOUR = 4;

const HOUR_MS = 3_600_000;

/**
 * The same Paris wall-clock time, `days` calendar days earlier. Across a DST change this is not a multiple of 24
 * hours: a reminder "the day before" a 09:00 service is sent at 09:00 the day before, 23 h earlier on the night
 * the clocks go forward and 25 h earlier on the night they go back. A wall-clock time that does not exist (02:30
 * on the last Sunday of March) is moved forward by the hour the clocks skipped, as the zone rules do.
 */
export const sameParisTimeDaysBefore = (instant: Date, days: number): Date => {
  const paris = new TZDate(instant.getTime(), BUSINESS_TIME_ZONE);
  const shifted = new TZDate(
    paris.getFullYear(),
    paris.getMonth(),
    paris.getDate() - days,
    paris.getHours(),
    paris.getMinutes(),
    paris.getSeconds(),
    paris.getMilliseconds(),
    BUSINESS_TIME_ZONE,
  );
  return new Date(shifted.getTime());
};

/**
 * When a customer reminder is due, from the service's start instant. 7 days and 24 hours are calendar days at the
 * same Paris time (what "the day before at the same time" means to a customer); 1 hour is sixty real minutes.
 */
export const customerReminderDueAt = (startsAt: Date, type: CustomerReminderType): Date => {
  switch (type) {
    case '7d':
      return sameParisTimeDaysBefore(startsAt, 7);
    case '24h':
      return sameParisTimeDaysBefore(startsAt, 1);
    case '1h':
      return new Date(startsAt.getTime() - HOUR_MS);
    default: {
      const unreachable: never = type;
      throw new Error(`unknown reminder type ${String(unreachable)}`);
    }
  }
};

/**
 * 04:00 Paris time on `date` (YYYY-MM-DD) as an instant: 02:00Z under summer time, 03:00Z under winter time. On the
 * two nights the clocks change, the change (02:00→03:00 in March, 03:00→02:00 in October) is over by 04:00, so the
 * time exists once and is unambiguous.
 */
export const dayOfReminderAt = (date: string): Date => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d, DAY_OF_REMINDER_HOUR, 0, 0, 0, BUSINESS_TIME_ZONE).getTime());
};
