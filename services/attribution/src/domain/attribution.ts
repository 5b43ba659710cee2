import {
  AttributionCancelled,
  AttributionCompleted,
  AttributionExpired,
  AttributionNeedsStaff,
  AttributionStarted,
  type AttributionStatus,
  type DataOf,
  ProfessionalAccepted,
  ProfessionalProposed,
  type ProfessionalRecipient,
  ProfessionalRefused,
  type RestrictedBookingView,
} from '@express-quote/contracts';
import type { Decider, DomainEvent } from '@express-quote/eventstore';
import type { z } from 'zod';
import { dayOfReminderAt } from './business-time.ts';
import { AttributionRejection } from './errors.ts';

/** "Re-broadcast once with a wider radius": the first round plus one. */
export const MAX_ROUNDS = 2;

export type Professional = z.infer<typeof ProfessionalRecipient>;
export type GeoPrecision = DataOf<typeof AttributionStarted>['location']['precision'];

/** An eligible professional with the links of this round, as the handler found and signed them. */
export interface Candidate {
  professional: Professional;
  distanceKm: number;
  acceptUrl: string;
  refuseUrl: string;
}

export type AttributionEvent =
  | DomainEvent<typeof AttributionStarted.type, DataOf<typeof AttributionStarted>>
  | DomainEvent<typeof ProfessionalProposed.type, DataOf<typeof ProfessionalProposed>>
  | DomainEvent<typeof ProfessionalAccepted.type, DataOf<typeof ProfessionalAccepted>>
  | DomainEvent<typeof AttributionCompleted.type, DataOf<typeof AttributionCompleted>>
  | DomainEvent<typeof ProfessionalRefused.type, DataOf<typeof ProfessionalRefused>>
  | DomainEvent<typeof AttributionExpired.type, DataOf<typeof AttributionExpired>>
  | DomainEvent<typeof AttributionNeedsStaff.type, DataOf<typeof AttributionNeedsStaff>>
  | DomainEvent<typeof AttributionCancelled.type, DataOf<typeof AttributionCancelled>>;

export type AttributionCommand =
  | {
      type: 'StartAttribution';
      data: {
        attributionId: string;
        booking: RestrictedBookingView;
        location: { latitude: number; longitude: number; precision: GeoPrecision };
        radiusKm: number;
        requiredSkills: string[];
        candidates: Candidate[];
        respondBy: string;
        now: string;
      };
    }
  | { type: 'AcceptMission'; data: { professionalId: string; round: number; now: string } }
  | { type: 'RefuseMission'; data: { professionalId: string; round: number; now: string } }
  | {
      type: 'ExpireRound';
      data: {
        /** The round the caller saw; a stale command (the round moved on) decides nothing. */
        round: number;
        now: string;
        /** The next round's candidates, found by the caller for round + 1; null when there is none to try. */
        rebroadcast: { radiusKm: number; candidates: Candidate[]; respondBy: string } | null;
      };
    }
  | {
      type: 'CancelAttribution';
      data: {
        attributionId: string;
        bookingId: string;
        reference: string;
        reason: DataOf<typeof AttributionCancelled>['reason'];
        now: string;
      };
    };

export interface Proposal {
  professional: Professional;
  distanceKm: number;
  /** The latest round this professional was asked in. */
  round: number;
}

export interface AttributionState {
  status: 'NONE' | AttributionStatus;
  attributionId: string | null;
  bookingId: string | null;
  reference: string | null;
  booking: RestrictedBookingView | null;
  /** Where the service takes place, as geocoded at the start (later rounds search around the same point). */
  location: { latitude: number; longitude: number; precision: GeoPrecision } | null;
  requiredSkills: readonly string[];
  radiusKm: number;
  round: number;
  respondBy: string | null;
  /** By professional id; a professional asked again in a later round keeps one entry (the latest). */
  proposals: Readonly<Record<string, Proposal>>;
  refused: readonly string[];
  assignedTo: string | null;
}

export const initialAttributionState = (): AttributionState => ({
  status: 'NONE',
  attributionId: null,
  bookingId: null,
  reference: null,
  booking: null,
  location: null,
  requiredSkills: [],
  radiusKm: 0,
  round: 0,
  respondBy: null,
  proposals: {},
  refused: [],
  assignedTo: null,
});

/** Professionals of the current round who have not refused (yet). */
export const openProposals = (state: AttributionState): Proposal[] =>
  Object.values(state.proposals).filter(
    (p) => p.round === state.round && !state.refused.includes(p.professional.professionalId),
  );

/** Every professional asked in the current round refused: waiting for the deadline is pointless. */
export const everyoneRefused = (state: AttributionState): boolean =>
  state.status === 'BROADCASTING' &&
  Object.values(state.proposals).some((p) => p.round === state.round) &&
  openProposals(state).length === 0;

const roundProposals = (state: AttributionState, round: number): Proposal[] =>
  Object.values(state.proposals).filter((p) => p.round === round);

export const evolveAttribution = (state: AttributionState, event: AttributionEvent): AttributionState => {
  switch (event.type) {
    case 'attribution.started':
      return {
        ...state,
        status: 'BROADCASTING',
        attributionId: event.data.attributionId,
        bookingId: event.data.bookingId,
        reference: event.data.reference,
        booking: event.data.booking ?? state.booking,
        location: event.data.location,
        requiredSkills: event.data.requiredSkills ?? [],
        radiusKm: event.data.radiusKm,
        round: 1,
      };
    case 'attribution.professional_proposed':
      return {
        ...state,
        booking: state.booking ?? event.data.booking,
        round: event.data.round,
        respondBy: event.data.respondBy,
        proposals: {
          ...state.proposals,
          [event.data.professionalId]: {
            professional: event.data.professional,
            distanceKm: event.data.distanceKm,
            round: event.data.round,
          },
        },
      };
    case 'attribution.professional_accepted':
      return { ...state, assignedTo: event.data.professionalId };
    case 'attribution.completed':
      return { ...state, status: 'ASSIGNED', assignedTo: event.data.professional.professionalId };
    case 'attribution.professional_refused':
      return state.refused.includes(event.data.professionalId)
        ? state
        : { ...state, refused: [...state.refused, event.data.professionalId] };
    case 'attribution.expired':
      return event.data.next === 'REBROADCAST' && event.data.rebroadcastRadiusKm !== null
        ? { ...state, round: event.data.round + 1, radiusKm: event.data.rebroadcastRadiusKm }
        : state;
    case 'attribution.needs_staff':
      return { ...state, status: 'NEEDS_STAFF', booking: state.booking ?? event.data.booking };
    case 'attribution.cancelled':
      return {
        ...state,
        status: 'CANCELLED',
        attributionId: event.data.attributionId,
        bookingId: event.data.bookingId,
        reference: event.data.reference,
      };
    default: {
      const unknown: never = event;
      throw new Error(`unknown attribution event ${(unknown as DomainEvent).type}`);
    }
  }
};

const proposalEvents = (
  state: { attributionId: string; booking: RestrictedBookingView },
  candidates: readonly Candidate[],
  round: number,
  respondBy: string,
): AttributionEvent[] =>
  candidates.map((c) => ({
    type: ProfessionalProposed.type,
    data: {
      attributionId: state.attributionId,
      professionalId: c.professional.professionalId,
      professional: c.professional,
      distanceKm: c.distanceKm,
      booking: state.booking,
      acceptUrl: c.acceptUrl,
      refuseUrl: c.refuseUrl,
      respondBy,
      round,
    },
  }));

const needsStaff = (
  state: AttributionState & { attributionId: string; bookingId: string; reference: string },
  booking: RestrictedBookingView,
  reason: DataOf<typeof AttributionNeedsStaff>['reason'],
  radiusKm: number,
  now: string,
): AttributionEvent => {
  const proposed = Object.values(state.proposals);
  return {
    type: AttributionNeedsStaff.type,
    data: {
      attributionId: state.attributionId,
      bookingId: state.bookingId,
      reference: state.reference,
      status: 'NEEDS_STAFF',
      reason,
      booking,
      radiusKm,
      rounds: Math.max(1, state.round),
      proposedCount: proposed.length,
      refusedCount: state.refused.length,
      at: now,
    },
  };
};

/** Why an answer cannot be taken, in the order a professional would want to hear it. */
const assertCanAnswer = (
  state: AttributionState,
  command: { professionalId: string; round: number; now: string },
  action: 'accept' | 'refuse',
): void => {
  switch (state.status) {
    case 'NONE':
      throw new AttributionRejection('unknown_attribution', 'no such attribution');
    case 'CANCELLED':
      throw new AttributionRejection('cancelled', 'the booking was cancelled');
    case 'ASSIGNED':
      if (state.assignedTo === command.professionalId) {
        throw new AttributionRejection('already_accepted', 'you already accepted this mission');
      }
      throw new AttributionRejection('already_assigned', 'the mission is assigned to someone else');
    case 'NEEDS_STAFF':
      throw new AttributionRejection('expired', 'the time to answer is over');
    case 'BROADCASTING':
      break;
  }
  const proposal = state.proposals[command.professionalId];
  if (!proposal) throw new AttributionRejection('not_proposed', 'this mission was not proposed to you');
  if (state.refused.includes(command.professionalId)) {
    throw new AttributionRejection('already_refused', 'you already refused this mission');
  }
  if (command.round !== state.round || proposal.round !== state.round) {
    throw new AttributionRejection('expired', `round ${command.round} is over`);
  }
  if (state.respondBy && Date.parse(command.now) > Date.parse(state.respondBy)) {
    throw new AttributionRejection('expired', `the time to ${action} is over`);
  }
};

const hasIdentity = (
  state: AttributionState,
): state is AttributionState & { attributionId: string; bookingId: string; reference: string } =>
  state.attributionId !== null && state.bookingId !== null && state.reference !== null;

export const decideAttribution = (
  command: AttributionCommand,
  state: AttributionState,
): AttributionEvent[] => {
  switch (command.type) {
    case 'StartAttribution': {
      // Already started, finished, or cancelled before the confirmation arrived: nothing (more) to do.
      if (state.status !== 'NONE') return [];
      const d = command.data;
      const started: AttributionEvent = {
        type: AttributionStarted.type,
        data: {
          attributionId: d.attributionId,
          bookingId: d.booking.bookingId,
          reference: d.booking.reference,
          serviceType: d.booking.serviceType,
          location: d.location,
          radiusKm: d.radiusKm,
          status: 'BROADCASTING',
          startedAt: d.now,
          booking: d.booking,
          requiredSkills: d.requiredSkills,
        },
      };
      if (d.candidates.length === 0) {
        const identity = {
          ...state,
          attributionId: d.attributionId,
          bookingId: d.booking.bookingId,
          reference: d.booking.reference,
          round: 1,
        };
        return [started, needsStaff(identity, d.booking, 'NO_ELIGIBLE_PROFESSIONAL', d.radiusKm, d.now)];
      }
      return [
        started,
        ...proposalEvents(
          { attributionId: d.attributionId, booking: d.booking },
          d.candidates,
          1,
          d.respondBy,
        ),
      ];
    }

    case 'AcceptMission': {
      const d = command.data;
      if (state.status === 'ASSIGNED' && state.assignedTo === d.professionalId) return [];
      assertCanAnswer(state, d, 'accept');
      if (!hasIdentity(state) || !state.booking)
        throw new Error('a broadcasting attribution has its identity');
      const winner = state.proposals[d.professionalId]!;
      const others = Object.values(state.proposals)
        .filter(
          (p) =>
            p.professional.professionalId !== d.professionalId &&
            !state.refused.includes(p.professional.professionalId),
        )
        .map((p) => p.professional);
      return [
        {
          type: ProfessionalAccepted.type,
          data: {
            attributionId: state.attributionId,
            bookingId: state.bookingId,
            reference: state.reference,
            professionalId: d.professionalId,
            round: d.round,
            acceptedAt: d.now,
          },
        },
        {
          type: AttributionCompleted.type,
          data: {
            attributionId: state.attributionId,
            bookingId: state.bookingId,
            reference: state.reference,
            status: 'ASSIGNED',
            professional: winner.professional,
            distanceKm: winner.distanceKm,
            booking: state.booking,
            otherProfessionals: others,
            dayOfReminderAt: dayOfReminderAt(state.booking.schedule.date).toISOString(),
            completedAt: d.now,
          },
        },
      ];
    }

    case 'RefuseMission': {
      const d = command.data;
      if (state.status === 'BROADCASTING' && state.refused.includes(d.professionalId)) return [];
      assertCanAnswer(state, d, 'refuse');
      if (!hasIdentity(state)) throw new Error('a broadcasting attribution has its identity');
      return [
        {
          type: ProfessionalRefused.type,
          data: {
            attributionId: state.attributionId,
            bookingId: state.bookingId,
            professionalId: d.professionalId,
            round: d.round,
            refusedAt: d.now,
          },
        },
      ];
    }

    case 'ExpireRound': {
      const d = command.data;
      if (state.status !== 'BROADCASTING' || d.round !== state.round) return [];
      const due = state.respondBy === null || Date.parse(d.now) >= Date.parse(state.respondBy);
      if (!due && !everyoneRefused(state)) return [];
      if (!hasIdentity(state) || !state.booking)
        throw new Error('a broadcasting attribution has its identity');
      const proposed = roundProposals(state, state.round);
      const refusedCount = proposed.filter((p) =>
        state.refused.includes(p.professional.professionalId),
      ).length;
      // Whoever refused is never asked again, even if the caller's search let them through.
      const candidates = (d.rebroadcast?.candidates ?? []).filter(
        (c) => !state.refused.includes(c.professional.professionalId),
      );
      const rebroadcast = state.round < MAX_ROUNDS && d.rebroadcast !== null && candidates.length > 0;
      const expired: AttributionEvent = {
        type: AttributionExpired.type,
        data: {
          attributionId: state.attributionId,
          bookingId: state.bookingId,
          reference: state.reference,
          round: state.round,
          radiusKm: state.radiusKm,
          proposedCount: proposed.length,
          refusedCount,
          next: rebroadcast ? 'REBROADCAST' : 'NEEDS_STAFF',
          rebroadcastRadiusKm: rebroadcast ? d.rebroadcast!.radiusKm : null,
          expiredAt: d.now,
        },
      };
      if (rebroadcast) {
        return [
          expired,
          ...proposalEvents(
            { attributionId: state.attributionId, booking: state.booking },
            candidates,
            state.round + 1,
            d.rebroadcast!.respondBy,
          ),
        ];
      }
      return [expired, needsStaff(state, state.booking, 'NO_ACCEPTANCE', state.radiusKm, d.now)];
    }

    case 'CancelAttribution': {
      if (state.status === 'CANCELLED') return [];
      const d = command.data;
      const professionalIds =
        state.status === 'ASSIGNED' && state.assignedTo
          ? [state.assignedTo]
          : state.status === 'BROADCASTING'
            ? openProposals(state).map((p) => p.professional.professionalId)
            : [];
      return [
        {
          type: AttributionCancelled.type,
          data: {
            attributionId: state.attributionId ?? d.attributionId,
            bookingId: state.bookingId ?? d.bookingId,
            reference: state.reference ?? d.reference,
            status: 'CANCELLED',
            reason: d.reason,
            previousStatus: state.status,
            assignedProfessionalId: state.status === 'ASSIGNED' ? state.assignedTo : null,
            professionalIds,
            cancelledAt: d.now,
          },
        },
      ];
    }

    default: {
      const unknown: never = command;
      throw new Error(`unknown attribution command ${(unknown as { type: string }).type}`);
    }
  }
};

/** The BookingAttribution aggregate: one stream per attribution (= per booking). */
export const attributionDecider: Decider<AttributionCommand, AttributionEvent, AttributionState> = {
  initialState: initialAttributionState,
  evolve: evolveAttribution,
  decide: decideAttribution,
};
