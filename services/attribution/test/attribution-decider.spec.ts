import { deciderSpec } from '@express-quote/eventstore';
import { describe, expect, it } from 'vitest';
import {
  type AttributionCommand,
  type AttributionEvent,
  attributionDecider,
  type Candidate,
  everyoneRefused,
  initialAttributionState,
  type Professional,
} from '../src/domain/attribution.ts';
import { AttributionRejection, type RejectionCode } from '../src/domain/errors.ts';
import { restrictedBookingView } from '../src/domain/restricted-view.ts';
import { bookingConfirmedData } from './fixtures.ts';

const ATT = '0195f000-0000-7000-8000-0000000000a1';
const booking = restrictedBookingView(bookingConfirmedData());
const T0 = '2026-06-01T10:00:00.000Z';
const RESPOND_BY = '2026-06-01T14:00:00.000Z';
const BEFORE = '2026-06-01T12:00:00.000Z';
const AFTER = '2026-06-01T14:00:00.001Z';
const RESPOND_BY_2 = '2026-06-01T18:00:00.000Z';
const location = { latitude: 48.8674, longitude: 2.3636, precision: 'CITY' as const };

const pro = (n: number): Professional => ({
  professionalId: `0195f000-0000-7000-9000-00000000000${n}`,
  companyName: `Société ${n}`,
  contactName: `Contact ${n}`,
  email: `pro${n}@example.fr`,
  phone: '+33611111111',
});
const [A, B, C] = [pro(1), pro(2), pro(3)] as [Professional, Professional, Professional];
const candidate = (p: Professional, distanceKm: number, round = 1): Candidate => ({
  professional: p,
  distanceKm,
  acceptUrl: `https://pro.example.fr/attribution/respond?token=accept-${p.professionalId}-${round}`,
  refuseUrl: `https://pro.example.fr/attribution/respond?token=refuse-${p.professionalId}-${round}`,
});

const started: AttributionEvent = {
  type: 'attribution.started',
  data: {
    attributionId: ATT,
    bookingId: booking.bookingId,
    reference: booking.reference,
    serviceType: 'MOVING',
    location,
    radiusKm: 150,
    status: 'BROADCASTING',
    startedAt: T0,
    booking,
    requiredSkills: [],
  },
};
const proposed = (c: Candidate, round = 1, respondBy = RESPOND_BY): AttributionEvent => ({
  type: 'attribution.professional_proposed',
  data: {
    attributionId: ATT,
    professionalId: c.professional.professionalId,
    professional: c.professional,
    distanceKm: c.distanceKm,
    booking,
    acceptUrl: c.acceptUrl,
    refuseUrl: c.refuseUrl,
    respondBy,
    round,
  },
});
const refused = (p: Professional, round = 1): AttributionEvent => ({
  type: 'attribution.professional_refused',
  data: {
    attributionId: ATT,
    bookingId: booking.bookingId,
    professionalId: p.professionalId,
    round,
    refusedAt: BEFORE,
  },
});
const accepted = (p: Professional): AttributionEvent => ({
  type: 'attribution.professional_accepted',
  data: {
    attributionId: ATT,
    bookingId: booking.bookingId,
    reference: booking.reference,
    professionalId: p.professionalId,
    round: 1,
    acceptedAt: BEFORE,
  },
});
const completed = (p: Professional, distanceKm: number, others: Professional[]): AttributionEvent => ({
  type: 'attribution.completed',
  data: {
    attributionId: ATT,
    bookingId: booking.bookingId,
    reference: booking.reference,
    status: 'ASSIGNED',
    professional: p,
    distanceKm,
    booking,
    otherProfessionals: others,
    dayOfReminderAt: '2026-06-20T02:00:00.000Z',
    completedAt: BEFORE,
  },
});
const expiredToRound2: AttributionEvent = {
  type: 'attribution.expired',
  data: {
    attributionId: ATT,
    bookingId: booking.bookingId,
    reference: booking.reference,
    round: 1,
    radiusKm: 150,
    proposedCount: 2,
    refusedCount: 0,
    next: 'REBROADCAST',
    rebroadcastRadiusKm: 250,
    expiredAt: AFTER,
  },
};
const cancelledEvent: AttributionEvent = {
  type: 'attribution.cancelled',
  data: {
    attributionId: ATT,
    bookingId: booking.bookingId,
    reference: booking.reference,
    status: 'CANCELLED',
    reason: 'REFUNDED',
    previousStatus: 'NONE',
    assignedProfessionalId: null,
    professionalIds: [],
    cancelledAt: T0,
  },
};

const start = (candidates: Candidate[]): AttributionCommand => ({
  type: 'StartAttribution',
  data: {
    attributionId: ATT,
    booking,
    location,
    radiusKm: 150,
    requiredSkills: [],
    candidates,
    respondBy: RESPOND_BY,
    now: T0,
  },
});
const accept = (p: Professional, now = BEFORE, round = 1): AttributionCommand => ({
  type: 'AcceptMission',
  data: { professionalId: p.professionalId, round, now },
});
const refuse = (p: Professional, now = BEFORE, round = 1): AttributionCommand => ({
  type: 'RefuseMission',
  data: { professionalId: p.professionalId, round, now },
});
const expire = (
  now: string,
  round: number,
  rebroadcast: { radiusKm: number; candidates: Candidate[]; respondBy: string } | null,
): AttributionCommand => ({ type: 'ExpireRound', data: { round, now, rebroadcast } });
const cancel: AttributionCommand = {
  type: 'CancelAttribution',
  data: {
    attributionId: ATT,
    bookingId: booking.bookingId,
    reference: booking.reference,
    reason: 'REFUNDED',
    now: BEFORE,
  },
};

const spec = deciderSpec(attributionDecider);
const cA = candidate(A, 2.4);
const cB = candidate(B, 11.8);
const broadcasting = [started, proposed(cA), proposed(cB)];

const rejects = (given: AttributionEvent[], command: AttributionCommand, code: RejectionCode) => {
  const state = given.reduce(attributionDecider.evolve, attributionDecider.initialState());
  let thrown: unknown;
  try {
    attributionDecider.decide(command, state);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(AttributionRejection);
  expect((thrown as AttributionRejection).code).toBe(code);
};

describe('StartAttribution', () => {
  it('starts BROADCASTING and proposes to every candidate, nearest first as given', () =>
    spec
      .given([])
      .when(start([cA, cB]))
      .thenEmits(broadcasting));

  it('goes to staff at once when nobody is eligible', () =>
    spec
      .given([])
      .when(start([]))
      .thenEmits([
        started,
        {
          type: 'attribution.needs_staff',
          data: {
            attributionId: ATT,
            bookingId: booking.bookingId,
            reference: booking.reference,
            status: 'NEEDS_STAFF',
            reason: 'NO_ELIGIBLE_PROFESSIONAL',
            booking,
            radiusKm: 150,
            rounds: 1,
            proposedCount: 0,
            refusedCount: 0,
            at: T0,
          },
        },
      ]));

  it('does nothing on a stream that already started (redelivery)', () =>
    spec
      .given(broadcasting)
      .when(start([cA, cB]))
      .thenNothing());

  it('does nothing when the booking was cancelled before its confirmation arrived', () =>
    spec
      .given([cancelledEvent])
      .when(start([cA]))
      .thenNothing());
});

describe('AcceptMission', () => {
  it('assigns the mission to the first professional who accepts in time', () =>
    spec
      .given(broadcasting)
      .when(accept(A))
      .thenEmits([accepted(A), completed(A, 2.4, [B])]));

  it('tells the others it is taken, but not those who refused', () =>
    spec
      .given([...broadcasting, proposed(candidate(C, 20)), refused(B)])
      .when(accept(A))
      .thenEmits([accepted(A), completed(A, 2.4, [C])]));

  it('refuses a second professional: already assigned', () =>
    rejects([...broadcasting, accepted(A), completed(A, 2.4, [B])], accept(B), 'already_assigned'));

  it('is idempotent for the winner', () =>
    spec
      .given([...broadcasting, accepted(A), completed(A, 2.4, [B])])
      .when(accept(A))
      .thenNothing());

  it('refuses an answer after the deadline', () => rejects(broadcasting, accept(A, AFTER), 'expired'));
  it('refuses a professional who was not asked', () => rejects(broadcasting, accept(C), 'not_proposed'));
  it('refuses a professional who refused', () =>
    rejects([...broadcasting, refused(A)], accept(A), 'already_refused'));
  it('refuses a link of an earlier round', () =>
    rejects(
      [...broadcasting, expiredToRound2, proposed(candidate(A, 2.4, 2), 2, RESPOND_BY_2)],
      accept(A, AFTER, 1),
      'expired',
    ));
  it('accepts the link of the current round', () =>
    expect(
      attributionDecider
        .decide(
          accept(A, AFTER, 2),
          [...broadcasting, expiredToRound2, proposed(candidate(A, 2.4, 2), 2, RESPOND_BY_2)].reduce(
            attributionDecider.evolve,
            initialAttributionState(),
          ),
        )
        .map((e) => e.type),
    ).toEqual(['attribution.professional_accepted', 'attribution.completed']));
  it('refuses on a cancelled booking', () =>
    rejects(
      [
        ...broadcasting,
        { ...cancelledEvent, data: { ...cancelledEvent.data, previousStatus: 'BROADCASTING' } },
      ],
      accept(A),
      'cancelled',
    ));
  it('refuses on an unknown attribution', () => rejects([], accept(A), 'unknown_attribution'));
  it('refuses once staff took over', () =>
    rejects(
      [
        ...broadcasting,
        {
          type: 'attribution.needs_staff',
          data: {
            attributionId: ATT,
            bookingId: booking.bookingId,
            reference: booking.reference,
            status: 'NEEDS_STAFF',
            reason: 'NO_ACCEPTANCE',
            booking,
            radiusKm: 150,
            rounds: 2,
            proposedCount: 2,
            refusedCount: 0,
            at: AFTER,
          },
        },
      ],
      accept(A),
      'expired',
    ));
});

describe('RefuseMission', () => {
  it('records the refusal', () =>
    spec
      .given(broadcasting)
      .when(refuse(A))
      .thenEmits([refused(A)]));
  it('is idempotent', () =>
    spec
      .given([...broadcasting, refused(A)])
      .when(refuse(A))
      .thenNothing());
  it('refuses to take back an acceptance', () =>
    rejects([...broadcasting, accepted(A), completed(A, 2.4, [B])], refuse(A), 'already_accepted'));
  it('is refused after the deadline', () => rejects(broadcasting, refuse(A, AFTER), 'expired'));
  it('marks the round as answered once everyone refused', () => {
    const state = [...broadcasting, refused(A), refused(B)].reduce(
      attributionDecider.evolve,
      initialAttributionState(),
    );
    expect(everyoneRefused(state)).toBe(true);
    const partly = [...broadcasting, refused(A)].reduce(attributionDecider.evolve, initialAttributionState());
    expect(everyoneRefused(partly)).toBe(false);
  });
});

describe('ExpireRound', () => {
  const cC2 = candidate(C, 180, 2);
  const cA2 = candidate(A, 2.4, 2);
  const cB2 = candidate(B, 11.8, 2);
  const wider = { radiusKm: 250, candidates: [cA2, cB2, cC2], respondBy: RESPOND_BY_2 };

  it('does nothing before the deadline', () =>
    spec
      .given(broadcasting)
      .when(expire(BEFORE, 1, wider))
      .thenNothing());

  it('re-broadcasts once with the wider radius after the deadline', () =>
    spec
      .given(broadcasting)
      .when(expire(AFTER, 1, wider))
      .thenEmits([
        expiredToRound2,
        proposed(cA2, 2, RESPOND_BY_2),
        proposed(cB2, 2, RESPOND_BY_2),
        proposed(cC2, 2, RESPOND_BY_2),
      ]));

  it('never asks again a professional who refused', () => {
    const events = attributionDecider.decide(
      expire(AFTER, 1, wider),
      [...broadcasting, refused(B)].reduce(attributionDecider.evolve, initialAttributionState()),
    );
    expect(events[0]).toMatchObject({ data: { next: 'REBROADCAST', refusedCount: 1 } });
    expect(events.slice(1).map((e) => (e.data as { professionalId: string }).professionalId)).toEqual([
      A.professionalId,
      C.professionalId,
    ]);
  });

  it('closes the round early when everyone refused', () => {
    const events = attributionDecider.decide(
      expire(BEFORE, 1, wider),
      [...broadcasting, refused(A), refused(B)].reduce(attributionDecider.evolve, initialAttributionState()),
    );
    expect(events.map((e) => e.type)).toEqual(['attribution.expired', 'attribution.professional_proposed']);
  });

  it('goes to staff when the wider round finds nobody new', () =>
    spec
      .given(broadcasting)
      .when(expire(AFTER, 1, { ...wider, candidates: [] }))
      .thenEmits([
        {
          ...expiredToRound2,
          data: { ...expiredToRound2.data, next: 'NEEDS_STAFF', rebroadcastRadiusKm: null },
        },
        {
          type: 'attribution.needs_staff',
          data: {
            attributionId: ATT,
            bookingId: booking.bookingId,
            reference: booking.reference,
            status: 'NEEDS_STAFF',
            reason: 'NO_ACCEPTANCE',
            booking,
            radiusKm: 150,
            rounds: 1,
            proposedCount: 2,
            refusedCount: 0,
            at: AFTER,
          },
        },
      ]));

  it('goes to staff after the second round, whoever is still eligible', () => {
    const given = [
      ...broadcasting,
      expiredToRound2,
      proposed(cA2, 2, RESPOND_BY_2),
      proposed(cC2, 2, RESPOND_BY_2),
    ];
    const events = attributionDecider.decide(
      expire('2026-06-01T18:00:00.000Z', 2, wider),
      given.reduce(attributionDecider.evolve, initialAttributionState()),
    );
    expect(events.map((e) => e.type)).toEqual(['attribution.expired', 'attribution.needs_staff']);
    expect(events[0]).toMatchObject({
      data: { round: 2, radiusKm: 250, next: 'NEEDS_STAFF', proposedCount: 2 },
    });
    expect(events[1]).toMatchObject({
      data: { reason: 'NO_ACCEPTANCE', rounds: 2, radiusKm: 250, proposedCount: 3 },
    });
  });

  it('ignores a stale round and a finished attribution', () => {
    spec
      .given([...broadcasting, expiredToRound2, proposed(cA2, 2, RESPOND_BY_2)])
      .when(expire(AFTER, 1, wider))
      .thenNothing();
    spec
      .given([...broadcasting, accepted(A), completed(A, 2.4, [B])])
      .when(expire(AFTER, 1, wider))
      .thenNothing();
  });
});

describe('CancelAttribution', () => {
  it('cancels a broadcasting attribution, naming whoever still has an open proposal', () =>
    spec
      .given([...broadcasting, refused(B)])
      .when(cancel)
      .thenEmits([
        {
          type: 'attribution.cancelled',
          data: {
            ...cancelledEvent.data,
            previousStatus: 'BROADCASTING',
            professionalIds: [A.professionalId],
            cancelledAt: BEFORE,
          } as never,
        },
      ]));

  it('cancels an assigned mission, naming the professional', () => {
    const [event] = attributionDecider.decide(
      cancel,
      [...broadcasting, accepted(A), completed(A, 2.4, [B])].reduce(
        attributionDecider.evolve,
        initialAttributionState(),
      ),
    );
    expect(event).toMatchObject({
      data: {
        previousStatus: 'ASSIGNED',
        assignedProfessionalId: A.professionalId,
        professionalIds: [A.professionalId],
      },
    });
  });

  it('records a cancellation that overtook the confirmation', () =>
    spec
      .given([])
      .when(cancel)
      .thenEmits([{ ...cancelledEvent, data: { ...cancelledEvent.data, cancelledAt: BEFORE } as never }]));

  it('is idempotent', () => spec.given([cancelledEvent]).when(cancel).thenNothing());
});
