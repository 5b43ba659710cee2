import { SERVICE_TYPE_LABELS_FR, type ServiceType } from '@express-quote/contracts';

const euros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
const longDate = new Intl.DateTimeFormat('fr-FR', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const parisDateTime = new Intl.DateTimeFormat('fr-FR', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/Paris',
});
const decimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** 123456 → "1 234,56 €" (cents in, French formatting out). */
export const formatEuros = (cents: number): string => euros.format(cents / 100);

/** "2026-03-20" (a local date) → "vendredi 20 mars 2026". */
export const formatLocalDate = (date: string): string => longDate.format(new Date(`${date}T00:00:00Z`));

/** An instant shown on a Paris clock: "vendredi 20 mars à 14:30". */
export const formatParisDateTime = (iso: string): string => parisDateTime.format(new Date(iso));

export const formatTimeWindow = (start: string, end: string): string => `${start} – ${end}`;

export const formatKm = (km: number): string => `${decimal.format(km)} km`;

export const serviceLabel = (type: ServiceType): string => SERVICE_TYPE_LABELS_FR[type];
