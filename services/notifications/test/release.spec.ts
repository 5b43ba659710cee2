import { describe, expect, it } from 'vitest';
import { planBookingConfirmed } from '../src/domain/plan-booking-confirmed.ts';
import { attributionRoundKey, planProfessionalProposed } from '../src/domain/plan-professional-proposed.ts';
import type { PlannedNotification } from '../src/domain/planned-notification.ts';
import { type DocumentSet, decideRelease, toNotificationRequested } from '../src/domain/release.ts';
import {
  bookingConfirmed,
  customerDocuments,
  DIRECTORY,
  internalDocuments,
  pdf,
  professionalProposed,
} from './fixtures.ts';

const planned = new Date('2026-05-01T10:00:00.000Z');
const ctx = { now: planned, documentsWaitMs: 60_000, supportUrl: 'https://express-quote.test/support' };
const sign = (doc: { key: string }, now: Date) => `https://docs.test/${doc.key}?at=${now.getTime()}`;
const before = new Date('2026-05-01T10:00:30.000Z');
const after = new Date('2026-05-01T10:01:00.000Z');

const event = bookingConfirmed();
const bookingId = event.data.bookingId;
const plan = planBookingConfirmed(event, DIRECTORY, ctx);
const customerEmail = plan[0] as PlannedNotification;
const customerSms = plan[1] as PlannedNotification;
const staffEmail = plan[2] as PlannedNotification;
const customerSet: DocumentSet = {
  bookingId,
  audience: 'customer',
  attributionId: null,
  professionalId: null,
  documents: customerDocuments(bookingId),
};
const internalSet: DocumentSet = {
  ...customerSet,
  audience: 'internal',
  documents: internalDocuments(bookingId),
};

describe('decideRelease: given planned message and stored documents, when now, then', () => {
  const cases: Array<{
    name: string;
    given: PlannedNotification;
    documents: DocumentSet[];
    now: Date;
    expected: 'wait' | { attachments: string[]; documentsMissing: boolean };
  }> = [
    {
      name: 'SMS awaits nothing → send at once',
      given: customerSms,
      documents: [],
      now: planned,
      expected: { attachments: [], documentsMissing: false },
    },
    {
      name: 'customer e-mail, no documents, before deadline → wait',
      given: customerEmail,
      documents: [],
      now: before,
      expected: 'wait',
    },
    {
      name: 'customer e-mail, only the internal set → wait',
      given: customerEmail,
      documents: [internalSet],
      now: before,
      expected: 'wait',
    },
    {
      name: 'customer e-mail, customer set there → send with it',
      given: customerEmail,
      documents: [internalSet, customerSet],
      now: before,
      expected: { attachments: customerSet.documents.map((d) => d.key), documentsMissing: false },
    },
    {
      name: 'staff e-mail, internal set there → send with the internal set',
      given: staffEmail,
      documents: [customerSet, internalSet],
      now: before,
      expected: { attachments: internalSet.documents.map((d) => d.key), documentsMissing: false },
    },
    {
      name: 'staff e-mail, deadline reached, nothing → send, documents missing',
      given: staffEmail,
      documents: [customerSet],
      now: after,
      expected: { attachments: [], documentsMissing: true },
    },
    {
      name: 'documents there at the deadline → still attached',
      given: customerEmail,
      documents: [customerSet],
      now: after,
      expected: { attachments: customerSet.documents.map((d) => d.key), documentsMissing: false },
    },
  ];

  it.each(cases)('$name', ({ given, documents, now, expected }) => {
    const decision = decideRelease(given, documents, now, sign);
    if (expected === 'wait') {
      expect(decision).toEqual({ kind: 'wait' });
      return;
    }
    expect(decision.kind).toBe('send');
    if (decision.kind !== 'send') return;
    expect(decision.attachments.map((d) => d.key)).toEqual(expected.attachments);
    expect(decision.documentsMissing).toBe(expected.documentsMissing);
  });

  it('signs viewBookingUrl on the customer BOOKING_CONFIRMATION, or falls back to support without documents', () => {
    const withDocs = decideRelease(customerEmail, [customerSet], before, sign);
    expect(withDocs.kind === 'send' && withDocs.data.viewBookingUrl).toBe(
      `https://docs.test/bookings/${bookingId}/customer/booking-confirmation.pdf?at=${before.getTime()}`,
    );
    const without = decideRelease(customerEmail, [], after, sign);
    expect(without.kind === 'send' && without.data.viewBookingUrl).toBe('https://express-quote.test/support');
  });

  it('matches professional documents by attribution, round and professional, not by booking alone', () => {
    const proposal = professionalProposed({ bookingId });
    const [p] = planProfessionalProposed(proposal, ctx) as [PlannedNotification];
    const missionFor = (attributionId: string, professionalId: string, round: number): DocumentSet => ({
      bookingId,
      audience: 'professional',
      attributionId: attributionRoundKey(attributionId, round),
      professionalId,
      documents: [
        pdf(
          `attributions/${attributionId}/${professionalId}/round-${round}/mission-proposal.pdf`,
          'MISSION_PROPOSAL',
        ),
      ],
    });
    const other = missionFor(proposal.data.attributionId, crypto.randomUUID(), 1);
    expect(decideRelease(p, [other], before, sign)).toEqual({ kind: 'wait' });
    // The same professional's proposal of another round is not this message's document either.
    const otherRound = missionFor(proposal.data.attributionId, proposal.data.professionalId, 2);
    expect(decideRelease(p, [other, otherRound], before, sign)).toEqual({ kind: 'wait' });
    const mine = missionFor(proposal.data.attributionId, proposal.data.professionalId, 1);
    const decision = decideRelease(p, [other, otherRound, mine], before, sign);
    expect(decision.kind === 'send' && decision.attachments).toEqual(mine.documents);
  });

  it('builds the NotificationRequested command data', () => {
    const decision = decideRelease(customerEmail, [customerSet], before, sign);
    if (decision.kind !== 'send') throw new Error('expected send');
    expect(toNotificationRequested(customerEmail, decision)).toEqual({
      notificationId: customerEmail.notificationId,
      channel: 'email',
      priority: 'CRITICAL',
      template: 'booking-confirmation',
      recipient: customerEmail.recipient,
      data: { ...customerEmail.data, viewBookingUrl: expect.stringContaining('booking-confirmation.pdf') },
      attachments: customerSet.documents,
      documentsMissing: false,
      bookingId,
      trigger: { eventId: event.id, type: 'booking.confirmed' },
      reminderId: null,
    });
  });
});
