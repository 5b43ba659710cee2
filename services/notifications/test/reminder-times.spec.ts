import { describe, expect, it } from 'vitest';
import {
  type CustomerReminderType,
  customerReminderDueAt,
  dayOfReminderAt,
} from '../src/domain/reminder-times.ts';

// Read back in Paris by Intl (independently of @date-fns/tz): what the customer's clock shows.
const parisClock = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});
const inParis = (d: Date) => parisClock.format(d);
const hoursBetween = (a: Date, b: Date) => (b.getTime() - a.getTime()) / 3_600_000;

/**
 * Given a service start, when is each customer reminder due? 7 d and 24 h keep the Paris wall-clock time (so they
 * are 167/169 h and 23/25 h away across a clock change), 1 h is sixty real minutes. Paris changes clocks on
 * 2026-03-29 at 02:00 CET (→ 03:00 CEST, 01:00Z) and on 2026-10-25 at 03:00 CEST (→ 02:00 CET, 01:00Z).
 */
const CUSTOMER_CASES: Array<{
  name: string;
  startsAt: string;
  type: CustomerReminderType;
  dueAt: string;
  paris: string;
  hoursBefore: number;
}> = [
  // Ordinary days, summer and winter time.
  {
    name: 'summer, 7 days',
    startsAt: '2026-06-15T07:00:00Z',
    type: '7d',
    dueAt: '2026-06-08T07:00:00.000Z',
    paris: '08/06/2026 09:00 UTC+2',
    hoursBefore: 168,
  },
  {
    name: 'summer, 24 h',
    startsAt: '2026-06-15T07:00:00Z',
    type: '24h',
    dueAt: '2026-06-14T07:00:00.000Z',
    paris: '14/06/2026 09:00 UTC+2',
    hoursBefore: 24,
  },
  {
    name: 'summer, 1 h',
    startsAt: '2026-06-15T07:00:00Z',
    type: '1h',
    dueAt: '2026-06-15T06:00:00.000Z',
    paris: '15/06/2026 08:00 UTC+2',
    hoursBefore: 1,
  },
  {
    name: 'winter, 24 h',
    startsAt: '2026-01-15T08:00:00Z',
    type: '24h',
    dueAt: '2026-01-14T08:00:00.000Z',
    paris: '14/01/2026 09:00 UTC+1',
    hoursBefore: 24,
  },
  {
    name: 'winter, 7 days across the new year',
    startsAt: '2026-01-05T08:00:00Z',
    type: '7d',
    dueAt: '2025-12-29T08:00:00.000Z',
    paris: '29/12/2025 09:00 UTC+1',
    hoursBefore: 168,
  },
  // Spring forward, 2026-03-29.
  {
    name: 'service on the spring-forward day, 24 h before is still winter time (23 h)',
    startsAt: '2026-03-29T08:00:00Z',
    type: '24h',
    dueAt: '2026-03-28T09:00:00.000Z',
    paris: '28/03/2026 10:00 UTC+1',
    hoursBefore: 23,
  },
  {
    name: 'service on the spring-forward day, 1 h before',
    startsAt: '2026-03-29T08:00:00Z',
    type: '1h',
    dueAt: '2026-03-29T07:00:00.000Z',
    paris: '29/03/2026 09:00 UTC+2',
    hoursBefore: 1,
  },
  {
    name: 'service at 03:30 just after the jump: 1 h before reads 01:30 on the clock',
    startsAt: '2026-03-29T01:30:00Z',
    type: '1h',
    dueAt: '2026-03-29T00:30:00.000Z',
    paris: '29/03/2026 01:30 UTC+1',
    hoursBefore: 1,
  },
  {
    name: 'service at 03:30 just after the jump: 24 h before',
    startsAt: '2026-03-29T01:30:00Z',
    type: '24h',
    dueAt: '2026-03-28T02:30:00.000Z',
    paris: '28/03/2026 03:30 UTC+1',
    hoursBefore: 23,
  },
  {
    name: 'the day before falls in the skipped hour (02:30 does not exist): moved to 03:30',
    startsAt: '2026-03-30T00:30:00Z',
    type: '24h',
    dueAt: '2026-03-29T01:30:00.000Z',
    paris: '29/03/2026 03:30 UTC+2',
    hoursBefore: 23,
  },
  {
    name: 'the day after the change, 24 h before is on the change day after it (24 h)',
    startsAt: '2026-03-30T07:00:00Z',
    type: '24h',
    dueAt: '2026-03-29T07:00:00.000Z',
    paris: '29/03/2026 09:00 UTC+2',
    hoursBefore: 24,
  },
  {
    name: '7 days before a date after the change, across it (167 h)',
    startsAt: '2026-04-01T07:00:00Z',
    type: '7d',
    dueAt: '2026-03-25T08:00:00.000Z',
    paris: '25/03/2026 09:00 UTC+1',
    hoursBefore: 167,
  },
  {
    name: '7 days before lands on the change day after it (168 h)',
    startsAt: '2026-04-05T07:00:00Z',
    type: '7d',
    dueAt: '2026-03-29T07:00:00.000Z',
    paris: '29/03/2026 09:00 UTC+2',
    hoursBefore: 168,
  },
  // Fall back, 2026-10-25.
  {
    name: 'service on the fall-back day, 24 h before is still summer time (25 h)',
    startsAt: '2026-10-25T09:00:00Z',
    type: '24h',
    dueAt: '2026-10-24T08:00:00.000Z',
    paris: '24/10/2026 10:00 UTC+2',
    hoursBefore: 25,
  },
  {
    name: 'service on the fall-back day, 1 h before',
    startsAt: '2026-10-25T09:00:00Z',
    type: '1h',
    dueAt: '2026-10-25T08:00:00.000Z',
    paris: '25/10/2026 09:00 UTC+1',
    hoursBefore: 1,
  },
  {
    name: 'service at the second 02:30: 1 h before is the first 02:30',
    startsAt: '2026-10-25T01:30:00Z',
    type: '1h',
    dueAt: '2026-10-25T00:30:00.000Z',
    paris: '25/10/2026 02:30 UTC+2',
    hoursBefore: 1,
  },
  {
    name: 'the day before falls in the repeated hour: the second 02:30 (24 h)',
    startsAt: '2026-10-26T01:30:00Z',
    type: '24h',
    dueAt: '2026-10-25T01:30:00.000Z',
    paris: '25/10/2026 02:30 UTC+1',
    hoursBefore: 24,
  },
  {
    name: '7 days before a date after the change, across it (169 h)',
    startsAt: '2026-10-28T08:00:00Z',
    type: '7d',
    dueAt: '2026-10-21T07:00:00.000Z',
    paris: '21/10/2026 09:00 UTC+2',
    hoursBefore: 169,
  },
];

describe('customerReminderDueAt (Europe/Paris)', () => {
  it.each(CUSTOMER_CASES)('$name', ({ startsAt, type, dueAt, paris, hoursBefore }) => {
    const start = new Date(startsAt);
    const due = customerReminderDueAt(start, type);
    expect(due.toISOString()).toBe(dueAt);
    expect(inParis(due)).toBe(paris);
    expect(hoursBetween(due, start)).toBe(hoursBefore);
  });

  it('keeps the Paris wall-clock time of the service for 7 d and 24 h every day of 2026', () => {
    const timeOf = (d: Date) => inParis(d).slice(11, 16);
    for (let day = 0; day < 365; day++) {
      // 09:15 Paris on each day of the year, whatever its offset.
      const date = new Date(Date.UTC(2026, 0, 1 + day, 12));
      const offsetHours = inParis(date).endsWith('UTC+2') ? 2 : 1;
      const start = new Date(Date.UTC(2026, 0, 1 + day, 9 - offsetHours, 15));
      expect(timeOf(start)).toBe('09:15');
      expect(timeOf(customerReminderDueAt(start, '7d'))).toBe('09:15');
      expect(timeOf(customerReminderDueAt(start, '24h'))).toBe('09:15');
      expect(hoursBetween(customerReminderDueAt(start, '1h'), start)).toBe(1);
    }
  });
});

describe('dayOfReminderAt: 04:00 Paris time on the service date', () => {
  it.each([
    { date: '2026-01-15', dueAt: '2026-01-15T03:00:00.000Z' },
    { date: '2026-06-15', dueAt: '2026-06-15T02:00:00.000Z' },
    { date: '2026-03-28', dueAt: '2026-03-28T03:00:00.000Z' },
    // Clocks jumped at 02:00: 04:00 is summer time already.
    { date: '2026-03-29', dueAt: '2026-03-29T02:00:00.000Z' },
    { date: '2026-03-30', dueAt: '2026-03-30T02:00:00.000Z' },
    { date: '2026-10-24', dueAt: '2026-10-24T02:00:00.000Z' },
    // Clocks went back at 03:00: 04:00 is winter time, and it happens once.
    { date: '2026-10-25', dueAt: '2026-10-25T03:00:00.000Z' },
    { date: '2026-10-26', dueAt: '2026-10-26T03:00:00.000Z' },
  ])('$date → $dueAt', ({ date, dueAt }) => {
    const due = dayOfReminderAt(date);
    expect(due.toISOString()).toBe(dueAt);
    expect(inParis(due).slice(0, 16)).toBe(
      `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)} 04:00`,
    );
  });
});
