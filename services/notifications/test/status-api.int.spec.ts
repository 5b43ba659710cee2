import {
  createEvent,
  NotificationFailed,
  NotificationSending,
  NotificationSent,
  type StoredDocument,
} from '@express-quote/contracts';
import { waitFor } from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationView } from '../src/projections/notification-queries.ts';
import { bookingConfirmed, customerDocuments, documentsGenerated, internalDocuments } from './fixtures.ts';
import { type Harness, startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.cleanup();
});

const get = async (url: string) => {
  const res = await h.service.app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json() };
};

const statusOf = async (id: string) => (await get(`/api/notifications/${id}`)).body as NotificationView;

describe('status projection and notification API', () => {
  const event = bookingConfirmed();
  const bookingId = event.data.bookingId;
  let notifications: NotificationView[] = [];

  beforeAll(async () => {
    await h.publish(event);
    // The SMS is released at once; e-mails wait for documents.
    await waitFor('the planned notifications and the SMS requested', async () => {
      const res = await get(`/api/notifications?bookingId=${bookingId}`);
      const list = (res.body.notifications ?? []) as NotificationView[];
      return list.length === 6 && list.some((n) => n.channel === 'sms' && n.requestedAt !== null);
    });
  });

  it('shows planned e-mails as WAITING_DOCUMENTS with their deadline, and the SMS as PENDING once requested', async () => {
    const res = await get(`/api/notifications?bookingId=${bookingId}`);
    notifications = res.body.notifications;
    const waiting = notifications.filter((n) => n.status === 'WAITING_DOCUMENTS');
    expect(waiting.map((w) => [w.template, w.waitingFor]).sort()).toEqual([
      ['booking-confirmation', 'customer'],
      ...Array(4).fill(['professional-document', 'internal']),
    ]);
    for (const w of waiting)
      expect(Date.parse(w.releaseAt ?? '')).toBeGreaterThan(h.clock.now().getTime() + 30_000);
    const sms = notifications.find((n) => n.channel === 'sms');
    expect(sms).toMatchObject({
      template: 'booking-confirmation-sms',
      priority: 'CRITICAL',
      recipient: { kind: 'customer', phone: '+33612345678' },
      trigger: { eventId: event.id, type: 'booking.confirmed' },
      correlationId: event.correlationId,
    });
    const projected = await waitFor('the SMS command in the projection', async () => {
      const view = await statusOf(sms?.notificationId ?? '');
      return view.requestedAt !== null && view;
    });
    expect(projected.status).toBe('PENDING');
  });

  it('follows status events, in any order, and never goes back from SENT', async () => {
    const sms = notifications.find((n) => n.channel === 'sms');
    const id = sms?.notificationId ?? '';
    const base = { notificationId: id, channel: 'sms' as const, bookingId };
    const cause = { id, correlationId: event.correlationId };
    const t0 = Date.now();
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    // Delivery published SENT first, then its (late) SENDING records; a redelivered SENT on top.
    const sent = createEvent(
      NotificationSent,
      {
        ...base,
        at: at(3),
        attempt: 2,
        provider: 'twilio',
        providerMessageId: 'SM123',
        segments: 1,
        encoding: 'GSM-7',
      },
      { cause },
    );
    const lastSeq = [
      await h.publish(sent),
      await h.publish(createEvent(NotificationSending, { ...base, at: at(1), attempt: 1 }, { cause })),
      await h.publish(
        createEvent(
          NotificationFailed,
          { ...base, at: at(1.5), attempt: 1, provider: 'twilio', reason: 'timeout', retriable: true },
          { cause },
        ),
      ),
      await h.publish(createEvent(NotificationSending, { ...base, at: at(2), attempt: 2 }, { cause })),
      await h.redeliver(sent, 'notifications.notification.sent'),
    ].at(-1)?.seq;
    await h.consumed(h.ns.stream('notifications'), 'notifications-status-events', lastSeq ?? 0);

    const view = await statusOf(id);
    expect(view).toMatchObject({
      status: 'SENT',
      attempts: 2,
      provider: 'twilio',
      providerMessageId: 'SM123',
      lastError: 'timeout',
      retriable: null,
      sendingAt: at(2),
      failedAt: at(1.5),
      sentAt: sent.data.at,
      sms: { segments: 1, encoding: 'GSM-7', costMicros: null },
    });
  });

  it('records a permanent failure with its reason', async () => {
    const email = notifications.find((n) => n.template === 'professional-document');
    const id = email?.notificationId ?? '';
    const cause = { id, correlationId: event.correlationId };
    const ack = await h.publish(
      createEvent(
        NotificationFailed,
        {
          notificationId: id,
          channel: 'email',
          bookingId,
          at: new Date().toISOString(),
          attempt: 1,
          provider: 'smtp',
          reason: '550 5.1.1 mailbox unavailable',
          retriable: false,
        },
        { cause },
      ),
    );
    await h.consumed(h.ns.stream('notifications'), 'notifications-status-events', ack.seq);
    expect(await statusOf(id)).toMatchObject({
      status: 'FAILED',
      lastError: '550 5.1.1 mailbox unavailable',
      retriable: false,
      attempts: 1,
    });
  });

  it('shows attachments and documentsMissing once the messages are released', async () => {
    for (const [audience, documents] of [
      ['customer', customerDocuments(bookingId)],
      ['internal', internalDocuments(bookingId)],
    ] as const) {
      await h.publish(documentsGenerated({ audience, bookingId, documents }, event));
    }
    const customer = notifications.find((n) => n.template === 'booking-confirmation');
    const view = await waitFor('the customer e-mail requested', async () => {
      const v = await statusOf(customer?.notificationId ?? '');
      return v.requestedAt !== null && v.status === 'PENDING' && v;
    });
    expect(view.documentsMissing).toBe(false);
    expect(view.attachments.map((a: Pick<StoredDocument, 'key'>) => a.key)).toEqual(
      customerDocuments(bookingId).map((d) => d.key),
    );
  });

  it('answers 400 for a malformed id or query and 404 for unknown ones, with reasons', async () => {
    const badId = await get('/api/notifications/not-a-uuid');
    expect(badId.status).toBe(400);
    expect(badId.body).toMatchObject({ error: 'bad_request', issues: [{ path: 'id' }] });

    const missing = await get('/api/notifications');
    expect(missing.status).toBe(400);
    expect(missing.body.issues).toEqual([expect.objectContaining({ path: 'bookingId' })]);

    const unknown = crypto.randomUUID();
    expect(await get(`/api/notifications/${unknown}`)).toEqual({
      status: 404,
      body: { error: 'not_found', message: `notification ${unknown} is unknown` },
    });
    const noBooking = await get(`/api/notifications?bookingId=${unknown}`);
    expect(noBooking.status).toBe(404);
    expect(noBooking.body.message).toContain(unknown);
  });
});
