import { z } from 'zod';

export const Cents = z.number().int();
export const Currency = z.literal('EUR');
export const Email = z.email().transform((e) => e.toLowerCase());
/** E.164 phone number, e.g. +33612345678. */
export const E164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'phone must be E.164, e.g. +33612345678');
export const IsoDateTimeUtc = z.iso.datetime({ offset: false });
export const LocalDate = z.iso.date();
export const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time must be HH:mm');

export const SERVICE_TYPES = ['MOVING', 'PACKING', 'CLEANING', 'DELIVERY'] as const;
export const ServiceType = z.enum(SERVICE_TYPES);
export type ServiceType = z.infer<typeof ServiceType>;

export const SERVICE_TYPE_LABELS_FR: Record<ServiceType, string> = {
  MOVING: 'Déménagement',
  PACKING: 'Emballage',
  CLEANING: 'Ménage',
  DELIVERY: 'Livraison',
};

export const Address = z.object({
  street: z.string().min(1).max(200),
  postcode: z.string().regex(/^\d{5}$/, 'postcode must be 5 digits'),
  city: z.string().min(1).max(100),
  country: z.string().length(2).default('FR'),
});
export type Address = z.infer<typeof Address>;

/** Date and time window of the service, in Europe/Paris local time, plus its UTC start instant. */
export const ServiceSchedule = z.object({
  date: LocalDate,
  startTime: LocalTime,
  endTime: LocalTime,
  timeZone: z.literal('Europe/Paris'),
  startsAt: IsoDateTimeUtc,
});
export type ServiceSchedule = z.infer<typeof ServiceSchedule>;

export const PriceLine = z.object({
  code: z.string().min(1),
  label: z.string().min(1),
  amountCents: Cents,
});
export type PriceLine = z.infer<typeof PriceLine>;

export const Price = z.object({
  lines: z.array(PriceLine).min(1),
  /** All taxes included (TTC). */
  totalCents: Cents,
  currency: Currency,
  vatRatePercent: z.number().nonnegative(),
});
export type Price = z.infer<typeof Price>;

export const CustomerContact = z.object({
  firstName: z.string().trim().min(1).max(100),
  lastName: z.string().trim().min(1).max(100),
  email: Email,
  phone: E164.nullable(),
});
export type CustomerContact = z.infer<typeof CustomerContact>;
