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
    /** The restricted view the professionals are shown (added later: optional for older events). */
    booking: RestrictedBookingView.optional(),
    /** Skills the booking needs beyond its service type (added later: optional for older events). */
    requiredSkills: z.array(z.string().min(1)).optional(),
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

/** Where an attribution stands (seed 4.2: BROADCASTING while professionals are asked). */
export const AttributionStatus = z.enum(['BROADCASTING', 'ASSIGNED', 'NEEDS_STAFF', 'CANCELLED']);
export type AttributionStatus = z.infer<typeof AttributionStatus>;

/** A proposed professional said yes, first: the mission is theirs (always followed by AttributionCompleted). */
export const ProfessionalAccepted = defineEvent({
  type: 'attribution.professional_accepted',
  context: 'attribution',
  schema: z.object({
    attributionId: z.uuid(),
    bookingId: z.uuid(),
    reference: BookingReference,
    professionalId: z.uuid(),
    round: z.number().int().positive(),
    acceptedAt: IsoDateTimeUtc,
  }),
});

/**
 * The mission is ASSIGNED. Carries what notifications need without asking anyone: the winner, the other
 * professionals still waiting for an answer (to tell them the mission is taken) and the day-of reminder instant.
 */
export const AttributionCompleted = defineEvent({
  type: 'attribution.completed',
  context: 'attribution',
  schema: z.object({
    attributionId: z.uuid(),
    bookingId: z.uuid(),
    reference: BookingReference,
    status: z.literal('ASSIGNED'),
    professional: ProfessionalRecipient,
    distanceKm: z.number().nonnegative(),
    booking: RestrictedBookingView,
    /** Proposed professionals who neither accepted nor refused: the mission is taken. */
    otherProfessionals: z.array(ProfessionalRecipient),
    /** 04:00 Europe/Paris on the day of the service (seed 4.2.c), as a UTC instant (DST-correct). */
    dayOfReminderAt: IsoDateTimeUtc,
    completedAt: IsoDateTimeUtc,
  }),
});

export const ProfessionalRefused = defineEvent({
  type: 'attribution.professional_refused',
  context: 'attribution',
  schema: z.object({
    attributionId: z.uuid(),
    bookingId: z.uuid(),
    professionalId: z.uuid(),
    round: z.number().int().positive(),
    refusedAt: IsoDateTimeUtc,
  }),
});

/**
 * A round ended without acceptance (deadline passed, or every proposed professional refused). Either a second,
 * wider round follows (`rebroadcastRadiusKm`, then ProfessionalProposed with round + 1) or AttributionNeedsStaff.
 */
export const AttributionExpired = defineEvent({
  type: 'attribution.expired',
  context: 'attribution',
  schema: z.object({
    attributionId: z.uuid(),
    bookingId: z.uuid(),
    reference: BookingReference,
    round: z.number().int().positive(),
    radiusKm: z.number().positive(),
    proposedCount: z.number().int().nonnegative(),
    refusedCount: z.number().int().nonnegative(),
    next: z.enum(['REBROADCAST', 'NEEDS_STAFF']),
    /** Radius of the next round when `next` is REBROADCAST, else null. */
    rebroadcastRadiusKm: z.number().positive().nullable(),
    expiredAt: IsoDateTimeUtc,
  }),
});

/** Nobody can or will take the mission: staff must find someone (notifications alerts them). */
export const AttributionNeedsStaff = defineEvent({
  type: 'attribution.needs_staff',
  context: 'attribution',
  schema: z.object({
    attributionId: z.uuid(),
    bookingId: z.uuid(),
    reference: BookingReference,
    status: z.literal('NEEDS_STAFF'),
    reason: z.enum(['NO_ELIGIBLE_PROFESSIONAL', 'NO_ACCEPTANCE']),
    booking: RestrictedBookingView,
    radiusKm: z.number().positive(),
    rounds: z.number().int().positive(),
    proposedCount: z.number().int().nonnegative(),
    refusedCount: z.number().int().nonnegative(),
    at: IsoDateTimeUtc,
  }),
});

/**
 * The booking was cancelled or refunded: the attribution stops, open links stop working, and the professionals
 * concerned (the assigned one, or those still asked) are listed so their messages and reminders can be cancelled.
 * May be the first event of a stream when the cancellation overtook the confirmation.
 */
export const AttributionCancelled = defineEvent({
  type: 'attribution.cancelled',
  context: 'attribution',
  schema: z.object({
    attributionId: z.uuid(),
    bookingId: z.uuid(),
    reference: BookingReference,
    status: z.literal('CANCELLED'),
    reason: z.enum(['REFUNDED', 'CUSTOMER_REQUEST', 'STAFF']),
    previousStatus: z.enum(['NONE', 'BROADCASTING', 'ASSIGNED', 'NEEDS_STAFF']),
    assignedProfessionalId: z.uuid().nullable(),
    /** Professionals with an open proposal, or the assigned one. */
    professionalIds: z.array(z.uuid()),
    cancelledAt: IsoDateTimeUtc,
  }),
});
