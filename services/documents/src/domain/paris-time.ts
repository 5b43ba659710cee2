/**
 * French renderings of business dates. Instants (ISO UTC in events) are shown in Europe/Paris; the service
 * schedule already carries a local date and local times, so those are shown as they are.
 */
const PARIS = 'Europe/Paris';

const longDate = new Intl.DateTimeFormat('fr-FR', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const shortDateParis = new Intl.DateTimeFormat('fr-FR', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  timeZone: PARIS,
});
const timeParis = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: PARIS });
const yearParis = new Intl.DateTimeFormat('en-GB', { year: 'numeric', timeZone: PARIS });

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

const instant = (iso: string): Date => {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`invalid instant ${iso}`);
  return date;
};

/** `2026-03-14` → `Samedi 14 mars 2026` (a calendar date: no time zone shift). */
export const formatLocalDateLong = (localDate: string): string => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(localDate)) throw new RangeError(`invalid local date ${localDate}`);
  return capitalize(longDate.format(instant(`${localDate}T12:00:00.000Z`)));
};

/** `09:00`, `12:30` → `09:00 – 12:30`. */
export const formatTimeWindow = (startTime: string, endTime: string): string => `${startTime} – ${endTime}`;

/** An instant as a Paris calendar date: `14/03/2026`. */
export const formatParisDate = (iso: string): string => shortDateParis.format(instant(iso));

/** An instant in Paris time: `14/03/2026 à 09:30`. */
export const formatParisDateTime = (iso: string): string =>
  `${shortDateParis.format(instant(iso))} à ${timeParis.format(instant(iso))}`;

/** Calendar year in Paris (an invoice issued on 31 Dec 23:30 UTC belongs to the next Paris year). */
export const parisYear = (iso: string): number => Number(yearParis.format(instant(iso)));
