import { createEvent, NotificationRequested, newEventId } from '@express-quote/contracts';
import { describe, expect, it } from 'vitest';
import { statusEvents, subjectOf } from '../src/status-events.ts';

const command = createEvent(
  NotificationRequested,
  {
    notificationId: '0196f3a0-0000-7000-8000-000000000001',
    channel: 'sms',
    priority: 'HIGH',
    template: 'booking-confirmation-sms',
    recipient: { kind: 'customer', id: null, name: 'Élodie Martin', email: null, phone: '+33612345678' },
    bookingId: '0196f3a0-0000-7000-8000-000000000002',
    data: {},
    attachments: [],
    documentsMissing: false,
    trigger: { eventId: 'evt_1', type: 'booking.confirmed' },
  },
  { cause: { externalId: 'evt_1' }, id: newEventId() },
);
const at = new Date('2026-05-04T08:00:00Z');
const sms = statusEvents('sms');
const s = subjectOf(command);

describe('statusEvents', () => {
  it('derives ids from (notification, status, attempt): a redelivery republishes the same ids', () => {
    const first = sms.sending(s, 2, at);
    const again = sms.sending(s, 2, new Date('2026-05-04T08:05:00Z'));
    expect(again.id).toBe(first.id);
    expect(sms.sending(s, 3, at).id).not.toBe(first.id);
    expect(sms.sent(s, 2, at, { provider: 'twilio', providerMessageId: 'SM1' }).id).not.toBe(first.id);
    expect(sms.failed(s, 2, at, { provider: null, reason: 'x', retriable: false }).id).not.toBe(first.id);
  });

  it('carries the channel, the booking, the time and the command as cause', () => {
    const sent = sms.sent(s, 1, at, {
      provider: 'twilio',
      providerMessageId: 'SM1',
      segments: 1,
      encoding: 'GSM-7',
    });
    expect(sent).toMatchObject({
      type: 'notification.sent',
      causationId: command.id,
      correlationId: command.correlationId,
      data: {
        notificationId: command.data.notificationId,
        channel: 'sms',
        bookingId: command.data.bookingId,
        at: at.toISOString(),
        attempt: 1,
        provider: 'twilio',
        segments: 1,
        encoding: 'GSM-7',
        costMicros: null,
      },
    });
  });

  it('keys delivery reports by provider message, so a repeated callback has the same id', () => {
    const receipt = { provider: 'twilio', providerMessageId: 'SM1', status: 'delivered' as const };
    expect(sms.delivered(s, at, receipt).id).toBe(sms.delivered(s, new Date(), receipt).id);
    expect(sms.delivered(s, at, { ...receipt, status: 'read' }).id).not.toBe(
      sms.delivered(s, at, receipt).id,
    );
    const lost = { provider: 'twilio', providerMessageId: 'SM1', reason: 'unreachable', errorCode: '30003' };
    expect(sms.undelivered(s, at, lost)).toMatchObject({
      type: 'notification.undelivered',
      data: { channel: 'sms', errorCode: '30003', pricing: null },
    });
  });
});
