import { z } from 'zod';
import { BookingReference } from './bookings.ts';
import { Cents, Currency, IsoDateTimeUtc, ServiceSchedule, ServiceType } from './common.ts';
import { defineEvent } from './registry.ts';

/**
 * The only view of a booking a professional gets before accepting: initials, city, schedule, service type,
 * estimated amount. Never the surname, e-mail, phone or street (DESIGN.md, security).
 */
export const RestrictedBookingView = z.object({
  bookingId: z.uuid(),
  reference: BookingReference,
  serviceType: ServiceType,
  schedule: ServiceSchedule,
  /** "J. D." */
  customerInitials: z.string().regex(/^\p{Lu}\. \p{Lu}\.$/u, 'initials look like "J. D."'),
  pickupCity: z.string().min(1),
  deliveryCity: z.string().nullable(),
  estimatedAmountCents: Cents.nonnegative(),
  currency: Currency,
  urgent: z.boolean(),
});
export type RestrictedBookingView = z.infer<typeof RestrictedBookingView>;

export const ProfessionalRecipient = z.object({
  professionalId: z.uuid(),
  companyName: z.string().min(1),
  contactName: z.string().min(1),
  email: z.email(),
  phone: z.string().nullable(),
});

export const AttributionStarted = defineEvent({
  type: 'attribution.started',
  context: 'attribution',
  schema: z.object({
    attributionId: z.uuid(),
    bookingId: z.uuid(),
    reference: BookingReference,
    serviceType: ServiceType,
    location: z.object({
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      precision: z.enum(['ADDRESS', 'POSTCODE', 'CITY', 'DEFAULT_PARIS']),
    }),
    radiusKm: z.number().positive(),
    status: z.literal('BROADCASTING'),
    startedAt: IsoDateTimeUtc,
  }),
});

export const ProfessionalProposed = defineEvent({
  type: 'attribution.professional_proposed',
  context: 'attribution',
  schema: z.object({
    attributionId: z.uuid(),
    professionalId: z.uuid(),
    professional: ProfessionalRecipient,
    distanceKm: z.number().nonnegative(),
    booking: RestrictedBookingView,
    acceptUrl: z.url(),
    refuseUrl: z.url(),
    respondBy: IsoDateTimeUtc,
    round: z.number().int().positive(),
  }),
});
