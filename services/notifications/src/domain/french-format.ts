import type { Address } from '@express-quote/contracts';

// Texts people read are French, business times are Europe/Paris (DESIGN.md). Formatters are built once.
const PARIS = 'Europe/Paris';
const money = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
// A LocalDate is already a Paris calendar day: format it at UTC midnight so no zone shifts it.
const longDay = new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC', dateStyle: 'full' });
const shortDay = new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC', dateStyle: 'short' });
const parisDateTime = new Intl.DateTimeFormat('fr-FR', {
  timeZone: PARIS,
  dateStyle: 'full',
  timeStyle: 'short',
});

/** 123456 → "1 234,56 €" (Intl's narrow no-break spaces: the template prints it as is). */
export const formatCents = (cents: number): string => money.format(cents / 100);

/** Amounts in another currency (what Stripe sent us when it was not EUR); unknown codes printed as given. */
export const formatMoney = (cents: number, currency: string): string => {
  if (currency.toUpperCase() === 'EUR') return formatCents(cents);
  try {
    return new Intl.NumberFormat('fr-FR', { style: 'currency', currency: currency.toUpperCase() }).format(
      cents / 100,
    );
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
};

/** "2026-06-15" → "lundi 15 juin 2026". */
export const formatLocalDateLong = (date: string): string => longDay.format(new Date(`${date}T00:00:00Z`));

/** "2026-06-15" → "15/06/2026" (SMS: every character counts). */
export const formatLocalDateShort = (date: string): string => shortDay.format(new Date(`${date}T00:00:00Z`));

/** "09:00", "12:00" → "09h00 – 12h00". */
export const formatTimeWindow = (start: string, end: string): string =>
  `${start.replace(':', 'h')} – ${end.replace(':', 'h')}`;

/** An instant, shown as Paris wall-clock time: "lundi 15 juin 2026 à 14:30". */
export const formatParisDateTime = (iso: string): string => parisDateTime.format(new Date(iso));

export const formatAddress = (a: Address): string => `${a.street}, ${a.postcode} ${a.city}`;

const kilometres = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** 12.46 → "12,5 km". */
export const formatKm = (km: number): string => `${kilometres.format(km)} km`;
