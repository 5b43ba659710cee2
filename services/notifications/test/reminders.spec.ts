import { deterministicId } from '@express-quote/contracts';
import { describe, expect, it } from 'vitest';
import { planCustomerReminders } from '../src/domain/plan-customer-reminders.ts';
import {
  type Cancellation,
  decideFire,
  type FireDecision,
  nextState,
  type Reminder,
  type ReminderState,
  reminderCommands,
  reminderIdFor,
} from '../src/domain/reminder.ts';
import { bookingConfirmed, bookingConfirmedData } from './fixtures.ts';

const SUPPORT = 'https://express-quote.test/support';
// The fixture's service: Monday 15 June 2026, 09:00–12:00 Paris (07:00Z).
const event = bookingConfirmed();
const b = event.data;

describe('planCustomerReminders', () => {
  it('schedules 7 d (SMS), 24 h (SMS + e-mail) and 1 h (SMS) for a booking made weeks ahead', () => {
    const reminders = planCustomerReminders(event, {
      now: new Date('2026-05-01T10:00:00Z'),
      supportUrl: SUPPORT,
    });
    expect(
      reminders.map((r) => [r.type, r.dueAt, r.usefulUntil, r.priority, r.messages.map((m) => m.medium)]),
    ).toEqual([
      ['7d', '2026-06-08T07:00:00.000Z', '2026-06-14T07:00:00.000Z', 'NORMAL', ['text']],
      ['24h', '2026-06-14T07:00:00.000Z', '2026-06-15T06:00:00.000Z', 'NORMAL', ['text', 'email']],
      ['1h', '2026-06-15T06:00:00.000Z', '2026-06-15T07:00:00.000Z', 'HIGH', ['text']],
    ]);
    for (const r of reminders) {
      expect(r).toMatchObject({
        bookingId: b.bookingId,
        attributionId: null,
        serviceStartsAt: '2026-06-15T07:00:00.000Z',
        followsPreference: true,
        trigger: { eventId: event.id, type: 'booking.confirmed', correlationId: event.correlationId },
        recipient: {
          kind: 'customer',
          id: b.customer.customerId,
          email: b.customer.email,
          phone: b.customer.phone,
        },
      });
      expect(r.reminderId).toBe(deterministicId(b.bookingId, r.type, `customer:${b.customer.customerId}`));
    }
  });

  it('fills the reminder templates in French, Paris time (short date for SMS, long for e-mail)', () => {
    const [, day] = planCustomerReminders(event, {
      now: new Date('2026-05-01T10:00:00Z'),
      supportUrl: SUPPORT,
    });
    expect(day?.messages).toEqual([
      {
        medium: 'text',
        template: 'booking-reminder-sms',
        whatsappTemplate: 'booking-reminder-whatsapp',
        data: {
          reminderType: '24h',
          recipientName: 'Jean Dupont',
          bookingReference: 'EQ-2026-000123',
          serviceType: 'Déménagement',
          serviceDate: '15/06/2026',
          serviceTime: '09h00 – 12h00',
          pickupAddress: '12 rue de la Paix, 75002 Paris',
        },
      },
      {
        medium: 'email',
        template: 'booking-reminder',
        data: {
          reminderType: '24h',
          recipientName: 'Jean Dupont',
          bookingReference: 'EQ-2026-000123',
          serviceType: 'Déménagement',
          serviceDate: 'lundi 15 juin 2026',
          serviceTime: '09h00 – 12h00',
          pickupAddress: '12 rue de la Paix, 75002 Paris',
          supportUrl: SUPPORT,
        },
      },
    ]);
  });

  it.each([
    { confirmedAt: '2026-06-08T06:59:59Z', types: ['7d', '24h', '1h'] },
    { confirmedAt: '2026-06-08T07:00:00Z', types: ['24h', '1h'] },
    { confirmedAt: '2026-06-14T06:00:00Z', types: ['24h', '1h'] },
    { confirmedAt: '2026-06-14T08:00:00Z', types: ['1h'] },
    { confirmedAt: '2026-06-15T06:30:00Z', types: [] },
    { confirmedAt: '2026-06-16T00:00:00Z', types: [] },
  ])('confirmed at $confirmedAt: only the reminders still ahead ($types)', ({ confirmedAt, types }) => {
    const reminders = planCustomerReminders(event, { now: new Date(confirmedAt), supportUrl: SUPPORT });
    expect(reminders.map((r) => r.type)).toEqual(types);
  });

  it('without a phone: the 24 h e-mail alone', () => {
    const noPhone = bookingConfirmed({ customer: { ...bookingConfirmedData().customer, phone: null } });
    const reminders = planCustomerReminders(noPhone, {
      now: new Date('2026-05-01T10:00:00Z'),
      supportUrl: SUPPORT,
    });
    expect(reminders.map((r) => [r.type, r.messages.map((m) => m.template)])).toEqual([
      ['24h', ['booking-reminder']],
    ]);
  });

  it('gives the same ids when planned again later (redelivery, replay)', () => {
    const first = planCustomerReminders(event, {
      now: new Date('2026-05-01T10:00:00Z'),
      supportUrl: SUPPORT,
    });
    const again = planCustomerReminders(event, {
      now: new Date('2026-05-20T10:00:00Z'),
      supportUrl: SUPPORT,
    });
    expect(again.map((r) => r.reminderId)).toEqual(first.map((r) => r.reminderId));
    expect(new Set(first.map((r) => r.reminderId)).size).toBe(3);
  });
});

const reminder = (over: Partial<Reminder> = {}): Reminder => ({
  reminderId: reminderIdFor('b', '24h', { kind: 'customer', id: 'c' }),
  bookingId: '0196a000-0000-7000-8000-000000000001',
  attributionId: null,
  type: '24h',
  recipient: {
    kind: 'customer',
    id: 'c',
    name: 'Jean Dupont',
    email: 'jean@example.fr',
    phone: '+33612345678',
  },
  messages: [
    {
      medium: 'text',
      template: 'booking-reminder-sms',
      whatsappTemplate: 'booking-reminder-whatsapp',
      data: { reminderType: '24h' },
    },
    { medium: 'email', template: 'booking-reminder', data: { reminderType: '24h' } },
  ],
  priority: 'NORMAL',
  dueAt: '2026-06-14T07:00:00.000Z',
  usefulUntil: '2026-06-15T06:00:00.000Z',
  serviceStartsAt: '2026-06-15T07:00:00.000Z',
  trigger: { eventId: 'evt', type: 'booking.confirmed', correlationId: 'corr' },
  followsPreference: true,
  ...over,
});

/** given (state, cancellation) when the scheduler looks at `now` then (decision, next state). */
const FIRE_CASES: Array<{
  name: string;
  state: ReminderState;
  now: string;
  cancellation: Cancellation;
  decision: FireDecision;
  next: ReturnType<typeof nextState>;
}> = [
  {
    name: 'not due yet: waits',
    state: 'SCHEDULED',
    now: '2026-06-14T06:59:59.999Z',
    cancellation: null,
    decision: { kind: 'wait' },
    next: null,
  },
  {
    name: 'due: sent on time',
    state: 'SCHEDULED',
    now: '2026-06-14T07:00:00.000Z',
    cancellation: null,
    decision: { kind: 'send', lateByMs: 0 },
    next: { state: 'SENT', reason: null },
  },
  {
    name: 'after an outage, still before the next reminder: sent late',
    state: 'SCHEDULED',
    now: '2026-06-14T19:30:00.000Z',
    cancellation: null,
    decision: { kind: 'send', lateByMs: 12.5 * 3_600_000 },
    next: { state: 'SENT', reason: null },
  },
  {
    name: 'after an outage, the next (closer) reminder is due: skipped as superseded',
    state: 'SCHEDULED',
    now: '2026-06-15T06:00:00.000Z',
    cancellation: null,
    decision: { kind: 'skip', reason: 'SUPERSEDED' },
    next: { state: 'SKIPPED', reason: 'SUPERSEDED' },
  },
  {
    name: 'after an outage past the service start: skipped',
    state: 'SCHEDULED',
    now: '2026-06-15T07:00:00.000Z',
    cancellation: null,
    decision: { kind: 'skip', reason: 'SERVICE_STARTED' },
    next: { state: 'SKIPPED', reason: 'SERVICE_STARTED' },
  },
  {
    name: 'cancelled booking: cancelled, even when due',
    state: 'SCHEDULED',
    now: '2026-06-14T07:00:00.000Z',
    cancellation: 'BOOKING_CANCELLED:REFUNDED',
    decision: { kind: 'cancel', reason: 'BOOKING_CANCELLED:REFUNDED' },
    next: { state: 'CANCELLED', reason: 'BOOKING_CANCELLED:REFUNDED' },
  },
  {
    name: 'cancelled before it is due: cancelled at once',
    state: 'SCHEDULED',
    now: '2026-05-01T00:00:00.000Z',
    cancellation: 'ATTRIBUTION_CANCELLED:STAFF',
    decision: { kind: 'cancel', reason: 'ATTRIBUTION_CANCELLED:STAFF' },
    next: { state: 'CANCELLED', reason: 'ATTRIBUTION_CANCELLED:STAFF' },
  },
  ...(['SENT', 'SKIPPED', 'CANCELLED'] as const).map((state) => ({
    name: `${state}: settled, never fired again`,
    state,
    now: '2026-06-14T08:00:00.000Z',
    cancellation: 'BOOKING_CANCELLED:REFUNDED',
    decision: { kind: 'settled' } as const,
    next: null,
  })),
];

describe('decideFire', () => {
  it.each(FIRE_CASES)('$name', ({ state, now, cancellation, decision, next }) => {
    const decided = decideFire(state, reminder(), new Date(now), cancellation);
    expect(decided).toEqual(decision);
    expect(nextState(decided)).toEqual(next);
  });
});

describe('reminderCommands', () => {
  const r = reminder();
  const channelsOf = (preference: 'SMS' | 'WHATSAPP' | 'BOTH') =>
    reminderCommands(r, preference).map((c) => [c.channel, c.template]);

  it.each([
    {
      preference: 'SMS' as const,
      expected: [
        ['sms', 'booking-reminder-sms'],
        ['email', 'booking-reminder'],
      ],
    },
    {
      preference: 'WHATSAPP' as const,
      expected: [
        ['whatsapp', 'booking-reminder-whatsapp'],
        ['email', 'booking-reminder'],
      ],
    },
    {
      preference: 'BOTH' as const,
      expected: [
        ['sms', 'booking-reminder-sms'],
        ['whatsapp', 'booking-reminder-whatsapp'],
        ['email', 'booking-reminder'],
      ],
    },
  ])('a customer text follows the preference $preference; the e-mail stays', ({ preference, expected }) => {
    expect(channelsOf(preference)).toEqual(expected);
  });

  it('a professional reminder is an SMS whatever the preference', () => {
    const pro = reminder({ followsPreference: false, messages: [r.messages[0]!] });
    expect(reminderCommands(pro, 'WHATSAPP').map((c) => c.channel)).toEqual(['sms']);
  });

  it('derives ids from (reminder id, channel, template) and carries the reminder id and trigger', () => {
    const commands = reminderCommands(r, 'BOTH');
    expect(commands.map((c) => c.notificationId)).toEqual([
      deterministicId(r.reminderId, 'sms', 'booking-reminder-sms'),
      deterministicId(r.reminderId, 'whatsapp', 'booking-reminder-whatsapp'),
      deterministicId(r.reminderId, 'email', 'booking-reminder'),
    ]);
    for (const c of commands) {
      expect(c).toMatchObject({
        priority: 'NORMAL',
        reminderId: r.reminderId,
        bookingId: r.bookingId,
        trigger: { eventId: 'evt', type: 'booking.confirmed' },
        attachments: [],
        documentsMissing: false,
      });
    }
  });
});
