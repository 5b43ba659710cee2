import { deterministicId } from '@express-quote/contracts';
import { waitFor } from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingConfirmed, bookingConfirmedData, customerDocuments, documentsGenerated } from './fixtures.ts';
import { ADMIN_TOKEN, type Harness, type NotifyMessage, startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.cleanup();
});

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const put = (key: string, body: unknown, headers: Record<string, string> = auth) =>
  h.service.app.inject({
    method: 'PUT',
    url: `/api/preferences/${encodeURIComponent(key)}`,
    headers,
    payload: body as object,
  });
const get = (key: string) =>
  h.service.app.inject({ method: 'GET', url: `/api/preferences/${encodeURIComponent(key)}`, headers: auth });

/** A customer with their own phone number, so tests do not share preferences. */
let n = 0;
const customerWithPhone = () => {
  n++;
  const phone = `+3361234${String(5000 + n).padStart(4, '0')}`;
  return { phone, data: bookingConfirmedData({ customer: { ...bookingConfirmedData().customer, phone } }) };
};

const textsOf = async (bookingId: string, count: number): Promise<NotifyMessage[]> =>
  waitFor(`${count} texts of ${bookingId}`, async () => {
    const mine = (await h.notifyMessages()).filter(
      (m) => m.event.data.bookingId === bookingId && m.event.data.channel !== 'email',
    );
    return mine.length >= count && mine;
  });

describe('channel preferences API', () => {
  it('is behind the admin token', async () => {
    expect((await put('+33611111111', { channel: 'WHATSAPP' }, {})).statusCode).toBe(401);
    expect(
      (
        await put(
          '+33611111111',
          { channel: 'WHATSAPP' },
          { authorization: 'Bearer wrong-token-xxxxxxxxxxxxxxxx' },
        )
      ).statusCode,
    ).toBe(401);
    const read = await h.service.app.inject({ method: 'GET', url: '/api/preferences/%2B33611111111' });
    expect(read.statusCode).toBe(401);
  });

  it('stores, replaces, reads and removes a preference; SMS when none is stored', async () => {
    const key = '+33622222222';
    expect((await get(key)).json()).toEqual({
      recipientKey: key,
      channel: 'SMS',
      stored: false,
      updatedAt: null,
    });
    const created = await put(key, { channel: 'WHATSAPP' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ recipientKey: key, channel: 'WHATSAPP', stored: true });
    const replaced = await put(key, { channel: 'BOTH' });
    expect(replaced.statusCode).toBe(200);
    expect((await get(key)).json()).toMatchObject({ channel: 'BOTH', stored: true });
    const del = () =>
      h.service.app.inject({
        method: 'DELETE',
        url: `/api/preferences/${encodeURIComponent(key)}`,
        headers: auth,
      });
    expect((await del()).statusCode).toBe(204);
    expect((await del()).statusCode).toBe(404);
    expect((await get(key)).json()).toMatchObject({ channel: 'SMS', stored: false });
  });

  it('refuses a key that is not an E.164 phone and a body that is not a known channel, with the reason', async () => {
    const badKey = await put('0612345678', { channel: 'SMS' });
    expect(badKey.statusCode).toBe(400);
    expect(badKey.json().message).toMatch(/recipient key/);
    for (const body of [{ channel: 'PIGEON' }, {}, { channel: 'SMS', extra: 1 }]) {
      const res = await put('+33633333333', body);
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toMatch(/channel preference/);
    }
  });
});

describe('customer texts by preference', () => {
  it('WHATSAPP: the confirmation goes to notify.whatsapp.critical with the customer documents, no SMS', async () => {
    const { phone, data } = customerWithPhone();
    expect((await put(phone, { channel: 'WHATSAPP' })).statusCode).toBe(201);
    const event = bookingConfirmed(data);
    await h.publish(event);
    await h.publish(
      documentsGenerated(
        {
          audience: 'customer',
          bookingId: event.data.bookingId,
          documents: customerDocuments(event.data.bookingId),
        },
        event,
      ),
    );
    const [text, ...more] = await textsOf(event.data.bookingId, 1);
    expect(more).toEqual([]);
    expect(text?.subject).toBe('notify.whatsapp.critical');
    expect(text?.event.id).toBe(
      deterministicId(event.id, phone, 'whatsapp', 'booking-confirmation-whatsapp'),
    );
    expect(text?.event.data).toMatchObject({
      channel: 'whatsapp',
      template: 'booking-confirmation-whatsapp',
      recipient: { kind: 'customer', phone },
      // The confirmation first: outside the 24-hour window it is the approved template's document header.
      attachments: customerDocuments(event.data.bookingId),
      documentsMissing: false,
    });
  });

  it('BOTH: the SMS at once, WhatsApp once the documents are there', async () => {
    const { phone, data } = customerWithPhone();
    await put(phone, { channel: 'BOTH' });
    const event = bookingConfirmed(data);
    await h.publish(event);
    expect((await textsOf(event.data.bookingId, 1)).map((m) => m.subject)).toEqual(['notify.sms.critical']);
    await h.publish(
      documentsGenerated(
        {
          audience: 'customer',
          bookingId: event.data.bookingId,
          documents: customerDocuments(event.data.bookingId),
        },
        event,
      ),
    );
    const texts = await textsOf(event.data.bookingId, 2);
    expect(texts.map((m) => [m.subject, m.event.data.template])).toEqual([
      ['notify.sms.critical', 'booking-confirmation-sms'],
      ['notify.whatsapp.critical', 'booking-confirmation-whatsapp'],
    ]);
  });

  it('a reminder follows the preference of when it fires, not of when it was scheduled', async () => {
    const { phone, data } = customerWithPhone();
    h.clock.set('2026-05-01T10:00:00.000Z');
    const event = bookingConfirmed(data);
    await h.publish(event);
    // Confirmed with the default: the confirmation is an SMS.
    expect((await textsOf(event.data.bookingId, 1)).map((m) => m.subject)).toEqual(['notify.sms.critical']);
    await put(phone, { channel: 'WHATSAPP' });
    h.clock.set('2026-06-08T07:00:00.000Z');
    await h.service.scheduler.tick();
    const reminder = (await textsOf(event.data.bookingId, 2)).find((m) => m.event.data.reminderId);
    expect(reminder?.subject).toBe('notify.whatsapp.normal');
    expect(reminder?.event.data).toMatchObject({
      template: 'booking-reminder-whatsapp',
      data: { reminderType: '7d', serviceDate: '15/06/2026' },
    });
  });
});
