// From a signed Stripe webhook to the e-mails captured by a real SMTP server and the SMS captured by a local
// Twilio-speaking server: every service runs as its own process
// (node services/<name>/src/main.ts) in a namespace and database of this file's own.
import { join } from 'node:path';
import { waitFor } from '@express-quote/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQuote, EXAMPLE_CUSTOMER, payQuote } from '../../scripts/demo/scenario.ts';
import { type RunningSystem, startSystem } from '../../scripts/demo/system.ts';
import type { Observed } from '../../scripts/demo/timeline.ts';

let system: RunningSystem;

beforeAll(async () => {
  system = await startSystem({
    root: join(import.meta.dirname, '..', '..'),
    isolated: true,
    logLevel: 'warn',
  });
}, 120_000);
afterAll(() => system?.stop());

const ofType = (type: string) => system.observed.filter((e: Observed) => e.type === type);

describe('a paid checkout', () => {
  it('becomes one booking, its documents, and e-mails with the right PDFs to the customer and the staff', async () => {
    const quote = await createQuote(system);
    const paid = await payQuote(system, quote);
    expect(paid.status).toBe(200);

    const confirmed = await waitFor('booking.confirmed', () => ofType('booking.confirmed')[0], {
      timeoutMs: 30_000,
    });
    expect(confirmed.data.customer.email).toBe(EXAMPLE_CUSTOMER.email);
    expect(confirmed.data.amountPaidCents).toBe(quote.price.totalCents);

    // Every staff e-mail and the customer e-mail SENT: the fan-out is complete.
    const staffRequested = await waitFor('staff e-mails requested', () => {
      const r = ofType('notification.requested').filter((e) => e.data.template === 'professional-document');
      return r.length > 0 && r;
    });
    const customerRequested = await waitFor('customer e-mail requested', () =>
      ofType('notification.requested').find((e) => e.data.template === 'booking-confirmation'),
    );
    const emailIds = [customerRequested, ...staffRequested].map((e) => e.data.notificationId as string);
    await waitFor(
      'every e-mail SENT',
      () => emailIds.every((id) => ofType('notification.sent').some((e) => e.data.notificationId === id)),
      { timeoutMs: 30_000 },
    );

    // The captured MIME: the customer got the customer set, each staff member the internal set, same bytes as stored.
    const docs = (audience: string) =>
      ofType('documents.generated').find((e) => e.data.audience === audience)?.data.documents as Array<{
        sha256: string;
        kind: string;
      }>;
    const customerMail = system.mail.messages({ to: EXAMPLE_CUSTOMER.email });
    expect(customerMail).toHaveLength(1);
    expect(customerMail[0]!.subject).toContain(confirmed.data.reference);
    expect(customerMail[0]!.attachments.map((a) => a.sha256).sort()).toEqual(
      docs('customer')
        .map((d) => d.sha256)
        .sort(),
    );
    expect(
      docs('customer')
        .map((d) => d.kind)
        .sort(),
    ).toEqual(['BOOKING_CONFIRMATION', 'INVOICE']);

    const staffAddresses = staffRequested.map((e) => e.data.recipient.email as string);
    expect(new Set(staffAddresses).size).toBe(staffAddresses.length);
    for (const address of staffAddresses) {
      const mails = system.mail.messages({ to: address });
      expect(mails, address).toHaveLength(1);
      expect(mails[0]!.attachments.map((a) => a.sha256).sort()).toEqual(
        docs('internal')
          .map((d) => d.sha256)
          .sort(),
      );
      // staff see the full customer data; the customer's own e-mail is never sent to a professional
      expect(mails[0]!.text ?? '').toContain(confirmed.data.reference);
    }

    // The customer SMS, captured by the local Twilio-speaking server: one GSM-7 segment despite "Élodie", then
    // DELIVERED once the emulator's signed status callback reached sms-delivery.
    const smsRequested = await waitFor('customer SMS requested', () =>
      ofType('notification.requested').find((e) => e.data.template === 'booking-confirmation-sms'),
    );
    const sms = await waitFor(
      'SMS captured',
      () => system.phones.store.list({ to: EXAMPLE_CUSTOMER.phone })[0],
      {
        timeoutMs: 30_000,
      },
    );
    expect(sms.provider).toBe('twilio');
    expect(sms.encoding).toBe('GSM-7');
    expect(sms.segments).toBe(1);
    expect(sms.text).toContain(confirmed.data.reference);
    expect(sms.text).toContain('Élodie');
    await waitFor(
      'SMS DELIVERED',
      () =>
        ofType('notification.delivered').some(
          (e) => e.data.notificationId === smsRequested.data.notificationId,
        ),
      { timeoutMs: 30_000 },
    );

    // One correlation id from the Stripe event to the last status event.
    expect(new Set(system.observed.map((e) => e.correlationId))).toEqual(new Set([paid.stripeEventId]));

    // What support asks first: the statuses of this booking's notifications. The status projection consumes the
    // same status events on its own consumer, a moment after the watcher saw them: poll until it has caught up.
    type Listed = { notifications: Array<{ notificationId: string; status: string }> };
    const statusOf = (body: Listed, id: string) =>
      body.notifications.find((n) => n.notificationId === id)?.status;
    const body = await waitFor(
      'the status API to show every e-mail SENT and the SMS DELIVERED',
      async () => {
        const res = await fetch(
          `${system.url('notifications')}/api/notifications?bookingId=${confirmed.data.bookingId}`,
        );
        expect(res.status).toBe(200);
        const listed = (await res.json()) as Listed;
        const settled =
          emailIds.every((id) => statusOf(listed, id) === 'SENT') &&
          statusOf(listed, smsRequested.data.notificationId) === 'DELIVERED';
        return settled && listed;
      },
      { timeoutMs: 30_000 },
    );
    for (const id of emailIds) expect(statusOf(body, id), id).toBe('SENT');
    expect(statusOf(body, smsRequested.data.notificationId)).toBe('DELIVERED');
  });

  it('delivered again by Stripe, changes nothing: nothing published, no second booking, no second e-mail', async () => {
    const quote = await createQuote(system);
    const first = await payQuote(system, quote);
    expect(first.status).toBe(200);
    const confirmed = await waitFor(
      'second booking confirmed',
      () => ofType('booking.confirmed').find((e) => e.correlationId === first.stripeEventId),
      { timeoutMs: 30_000 },
    );
    const customerMails = () => system.mail.messages({ to: EXAMPLE_CUSTOMER.email }).length;
    await waitFor('second customer e-mail', () => customerMails() === 2, { timeoutMs: 30_000 });

    const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
    const jsm = await jetstreamManager(nc);
    const count = async (context: 'payments' | 'bookings') =>
      (await jsm.streams.info(system.ns.stream(context))).state.messages;
    const before = { payments: await count('payments'), bookings: await count('bookings') };

    // Stripe retries the very same event (same id, same signed body): 200, and nothing new anywhere.
    const again = await fetch(`${system.url('payments')}/api/webhooks/stripe`, {
      method: 'POST',
      headers: first.request.headers,
      body: first.request.body,
    });
    expect(again.status).toBe(200);
    expect(await count('payments')).toBe(before.payments);
    expect(await count('bookings')).toBe(before.bookings);
    await nc.close();

    const res = await fetch(`${system.url('booking')}/api/bookings?reference=${confirmed.data.reference}`);
    expect(res.status).toBe(200);
    expect(customerMails()).toBe(2);
  });
});
