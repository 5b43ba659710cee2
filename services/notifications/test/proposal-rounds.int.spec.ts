import {
  createEvent,
  type EventOf,
  ProfessionalProposed,
  type StoredDocument,
} from '@express-quote/contracts';
import { waitFor } from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentsGenerated, pdf, professionalProposed } from './fixtures.ts';
import { type Harness, type NotifyMessage, startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.cleanup();
});

type Proposal = EventOf<typeof ProfessionalProposed>;

/** Attribution re-proposes in round 2 to whoever did not answer round 1: same professional, new links. */
const secondRound = (round1: Proposal): Proposal =>
  createEvent(
    ProfessionalProposed,
    {
      ...round1.data,
      round: 2,
      acceptUrl: 'https://attribution.express-quote.test/a/accept?token=round-2',
      refuseUrl: 'https://attribution.express-quote.test/a/refuse?token=round-2',
      respondBy: '2026-05-02T14:30:00.000Z',
    },
    { cause: round1 },
  );

/** The MISSION_PROPOSAL of one round, as documents stores it (its own key, its own bytes). */
const missionOf = (proposal: Proposal, sha256Digit: string): StoredDocument => ({
  ...pdf(
    `attributions/${proposal.data.attributionId}/${proposal.data.professionalId}/round-${proposal.data.round}/mission-proposal.pdf`,
    'MISSION_PROPOSAL',
  ),
  sha256: sha256Digit.repeat(64),
});

const publishMission = (proposal: Proposal, document: StoredDocument) =>
  h.publish(
    documentsGenerated(
      {
        audience: 'professional',
        bookingId: proposal.data.booking.bookingId,
        attributionId: proposal.data.attributionId,
        professionalId: proposal.data.professionalId,
        round: proposal.data.round,
        documents: [document],
      },
      proposal,
    ),
  );

const proposalsOf = async (proposal: Proposal): Promise<NotifyMessage[]> =>
  (await h.notifyMessages()).filter((m) => m.event.data.bookingId === proposal.data.booking.bookingId);

const triggeredBy = (messages: NotifyMessage[], proposal: Proposal) =>
  messages.filter((m) => (m.event.data.trigger as { eventId: string }).eventId === proposal.id);

const planned = async (proposal: Proposal) => {
  const ack = await h.publish(proposal);
  await h.consumed(h.ns.stream('attribution'), 'notifications-professional-proposed', ack.seq);
};

const documentsConsumed = async (ack: { seq: number }) =>
  h.consumed(h.ns.stream('documents'), 'notifications-documents-generated', ack.seq);

describe('planner: a professional proposed again in round 2', () => {
  it('waits for the round-2 MISSION_PROPOSAL and attaches it, never the round-1 one', async () => {
    const round1 = professionalProposed();
    const round2 = secondRound(round1);
    const mission1 = missionOf(round1, 'a');
    const mission2 = missionOf(round2, 'b');

    await planned(round1);
    await publishMission(round1, mission1);
    const [first] = await waitFor('the round-1 proposal', async () => {
      const sent = await proposalsOf(round1);
      return sent.length === 1 && sent;
    });
    expect(first?.event.data).toMatchObject({ attachments: [mission1], documentsMissing: false });

    // The round-1 set is stored under the same attribution and professional: round 2 must not take it.
    await planned(round2);
    expect(triggeredBy(await proposalsOf(round1), round2)).toEqual([]);

    // A round-1 set arriving late (regenerated, replayed) does not release round 2 either.
    await documentsConsumed(await publishMission(round1, { ...mission1, sha256: 'c'.repeat(64) }));
    expect(triggeredBy(await proposalsOf(round1), round2)).toEqual([]);

    await publishMission(round2, mission2);
    const [second, ...more] = await waitFor('the round-2 proposal', async () => {
      const sent = triggeredBy(await proposalsOf(round1), round2);
      return sent.length > 0 && sent;
    });
    expect(more).toEqual([]);
    expect(second?.event.data).toMatchObject({
      template: 'external-professional-attribution',
      recipient: { kind: 'professional', id: round1.data.professionalId },
      data: { acceptUrl: round2.data.acceptUrl, refuseUrl: round2.data.refuseUrl },
      attachments: [mission2],
      documentsMissing: false,
    });
    const attached = JSON.stringify(second?.event.data.attachments);
    expect(attached).not.toContain(mission1.sha256);
    expect(attached).not.toContain('c'.repeat(64));
    // Round 1's message went out once and kept its own document.
    expect(triggeredBy(await proposalsOf(round1), round1)).toHaveLength(1);
  });

  it('sends round 2 without documents at its deadline rather than with the round-1 PDF', async () => {
    const round1 = professionalProposed();
    const round2 = secondRound(round1);
    await planned(round1);
    await documentsConsumed(await publishMission(round1, missionOf(round1, 'd')));
    await planned(round2);

    h.clock.advance(61_000);
    await h.service.poller.tick();
    const [late] = await waitFor('the round-2 proposal at its deadline', async () => {
      const sent = triggeredBy(await proposalsOf(round1), round2);
      return sent.length === 1 && sent;
    });
    expect(late?.event.data).toMatchObject({ attachments: [], documentsMissing: true });
  });
});
