import { waitFor } from '@express-quote/testing';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import twilio from 'twilio';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, smsCommand } from './support/harness.ts';

const metricValue = async (registry: Registry, name: string, labels: Record<string, string> = {}) => {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as Array<{ value: number; labels: Record<string, string | number> }>;
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
};

describe('sms-delivery in a test namespace: NATS, Postgres and the provider emulators', () => {
  let h: Harness;
  let service: Awaited<ReturnType<Harness['start']>>;
  const registry = new Registry();

  beforeAll(async () => {
    h = await createHarness();
    service = await h.start({ SMS_MAX_DELIVER: '4' }, registry);
  });
  beforeEach(() => h.sink.reset());
  afterAll(async () => {
    await h?.cleanup();
  });

  const row = async (notificationId: string) => {
    const { rows } = await sql<{
      status: string;
      provider: string | null;
      delivery_status: string | null;
      attempts: number;
    }>`
      select status, provider, delivery_status, attempts from sms_delivery.deliveries where notification_id = ${notificationId}`.execute(
      h.database.db,
    );
    return rows[0];
  };

  it('customer confirmation on notify.sms.high → one GSM-7 segment at Twilio, SENT, then a signed callback → DELIVERED', async () => {
    const command = smsCommand();
    const event = await h.publish(command);

    const sent = await h.waitForStatus(command.notificationId, 'notification.sent');
    const [sms] = h.sink.twilio.messages();
    expect(sms).toMatchObject({
      to: command.recipient.phone,
      encoding: 'GSM-7',
      segments: 1,
      from: 'ExpressQuote',
    });
    expect(sms?.text).toBe(
      'Express Quote : Bonjour Francoise, votre réservation EQ-2026-000123 est confirmée pour le 15/06/2026, 09h00 - 12h00. Montant payé : 1 234,56 €. Merci !',
    );
    expect(sent.data).toMatchObject({
      attempt: 1,
      provider: 'twilio',
      providerMessageId: sms?.id,
      segments: 1,
      encoding: 'GSM-7',
      costMicros: 79_000,
    });
    expect(sent.correlationId).toBe(event.correlationId);
    expect(sent.causationId).toBe(event.id);
    expect(h.statusesOf(command.notificationId).map((s) => s.type)).toEqual([
      'notification.sending',
      'notification.sent',
    ]);
    expect(sms?.meta.statusCallback).toBe(
      `${h.baseUrl}/api/callbacks/twilio?notificationId=${command.notificationId}`,
    );

    expect(await h.sink.twilio.report(sms!.id, 'sent')).toBe(204);
    expect(await h.sink.twilio.report(sms!.id, 'delivered')).toBe(204);
    const delivered = await h.waitForStatus(command.notificationId, 'notification.delivered');
    expect(delivered.data).toMatchObject({
      provider: 'twilio',
      providerMessageId: sms?.id,
      status: 'delivered',
      channel: 'sms',
    });
    expect(delivered.correlationId).toBe(event.correlationId);
    expect(await row(command.notificationId)).toMatchObject({
      status: 'SENT',
      provider: 'twilio',
      delivery_status: 'delivered',
    });
    expect(await metricValue(registry, 'eq_sms_cost_euros_total', { provider: 'twilio' })).toBeCloseTo(
      0.079,
      6,
    );
  });

  it('a callback that is unsigned, forged or signed for another URL gets 403 and writes nothing', async () => {
    const command = smsCommand();
    await h.publish(command);
    await h.waitForStatus(command.notificationId, 'notification.sent');
    const [sms] = h.sink.twilio.messages();

    expect(await h.sink.twilio.report(sms!.id, 'delivered', { signature: null })).toBe(403);
    expect(await h.sink.twilio.report(sms!.id, 'delivered', { signature: 'bm90IGEgc2lnbmF0dXJl' })).toBe(403);
    // A genuine signature of other parameters (e.g. a replayed "undelivered" turned into "delivered") fails too.
    const url = `${h.baseUrl}/api/callbacks/twilio?notificationId=${command.notificationId}`;
    const signed = twilio.getExpectedTwilioSignature(h.sink.twilio.authToken, url, {
      MessageSid: sms!.id,
      MessageStatus: 'undelivered',
    });
    const forged = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signed },
      body: new URLSearchParams({ MessageSid: sms!.id, MessageStatus: 'delivered' }).toString(),
    });
    expect(forged.statusCode).toBe(403);
    expect(await forged.body.json()).toMatchObject({ error: 'forbidden' });

    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.statusesOf(command.notificationId, 'notification.delivered')).toEqual([]);
    expect((await row(command.notificationId))?.delivery_status).toBeNull();
  });

  it('an undelivered report becomes notification.undelivered with the carrier error', async () => {
    const command = smsCommand();
    await h.publish(command);
    await h.waitForStatus(command.notificationId, 'notification.sent');
    const [sms] = h.sink.twilio.messages();
    expect(await h.sink.twilio.report(sms!.id, 'undelivered', { errorCode: '30003' })).toBe(204);
    const undelivered = await h.waitForStatus(command.notificationId, 'notification.undelivered');
    expect(undelivered.data).toMatchObject({
      errorCode: '30003',
      reason: 'twilio undelivered (error 30003: handset unreachable)',
    });
  });

  it('an invalid number fails for good before any provider call', async () => {
    const before = h.sink.twilio.requests + h.sink.vonage.requests + h.sink.brevo.requests;
    const command = smsCommand({
      recipient: { kind: 'customer', id: null, name: 'Zoë', email: null, phone: '01 23 45' },
    });
    await h.publish(command);
    const failed = await h.waitForStatus(command.notificationId, 'notification.failed');
    expect(failed.data).toMatchObject({ retriable: false, provider: null, attempt: 1 });
    expect(failed.data.reason).toMatch(/invalid phone number/);
    expect(h.sink.twilio.requests + h.sink.vonage.requests + h.sink.brevo.requests).toBe(before);
    expect(h.statusesOf(command.notificationId, 'notification.sending')).toEqual([]);
  });

  it('an unsubscribed recipient (Twilio 21610) fails at once, and no other provider is tried', async () => {
    const command = smsCommand();
    h.sink.twilio.faults.rejectRecipient(command.recipient.phone!, {
      status: 400,
      code: 21610,
      message: 'Attempt to send to unsubscribed recipient',
    });
    const before = h.sink.vonage.requests + h.sink.brevo.requests;
    await h.publish(command);
    const failed = await h.waitForStatus(command.notificationId, 'notification.failed');
    expect(failed.data).toMatchObject({ retriable: false, provider: 'twilio', attempt: 1 });
    expect(h.sink.vonage.requests + h.sink.brevo.requests).toBe(before);
    expect(await row(command.notificationId)).toMatchObject({ status: 'FAILED', attempts: 1 });
    await waitFor('DLQ entry', async () =>
      (await h.deadLetters()).find((d) => d.kind === 'terminated' || d.reason?.includes('21610')),
    );
  });

  it('Twilio answering 500: sent by Vonage, with the price from its answer', async () => {
    h.sink.twilio.faults.failNext(1, { status: 500, message: 'Internal Server Error' });
    const command = smsCommand();
    await h.publish(command);
    const sent = await h.waitForStatus(command.notificationId, 'notification.sent');
    expect(sent.data).toMatchObject({ provider: 'vonage', costMicros: 72_000, attempt: 1 });
    expect(h.sink.store.list({ to: command.recipient.phone! }).map((m) => m.provider)).toEqual(['vonage']);
  });

  it('every provider down: retried (never FAILED while retries remain), sent once they are back', async () => {
    for (const emulator of [h.sink.twilio, h.sink.vonage, h.sink.brevo])
      emulator.faults.failAll({ status: 503 });
    const command = smsCommand();
    await h.publish(command);
    await waitFor('two passes through the chain', () => h.sink.brevo.requests >= 2 && true, {
      timeoutMs: 10_000,
    });
    expect(h.statusesOf(command.notificationId, 'notification.failed')).toEqual([]);
    h.sink.reset();
    const sent = await h.waitForStatus(command.notificationId, 'notification.sent');
    expect(sent.data.attempt as number).toBeGreaterThanOrEqual(2);
    expect(h.sink.store.list({ to: command.recipient.phone! })).toHaveLength(1);
    expect(h.statusesOf(command.notificationId, 'notification.failed')).toEqual([]);
  });

  it('every provider down through every delivery: FAILED retriable=true on the last one, recorded in the DLQ', async () => {
    for (const emulator of [h.sink.twilio, h.sink.vonage, h.sink.brevo])
      emulator.faults.failAll({ status: 503 });
    const command = smsCommand();
    await h.publish(command);
    const failed = await h.waitForStatus(command.notificationId, 'notification.failed');
    expect(failed.data).toMatchObject({ retriable: true, attempt: 4 });
    expect(failed.data.reason).toMatch(
      /every provider failed: twilio unavailable .*gave up after 4 deliveries/,
    );
    expect(h.statusesOf(command.notificationId, 'notification.sending')).toHaveLength(4);
    expect(h.sink.store.list({ to: command.recipient.phone! })).toEqual([]);
    await waitFor('DLQ entry', async () =>
      (await h.deadLetters()).find((d) => d.reason?.includes('every provider failed')),
    );
  });

  it('a command redelivered after it was sent is not sent again', async () => {
    const command = smsCommand();
    await h.publish(command);
    const first = await h.waitForStatus(command.notificationId, 'notification.sent');
    const skippedBefore = await metricValue(registry, 'eq_notifications_duplicates_skipped_total', {
      channel: 'sms',
    });
    // A republish past the duplicate window: same notification, another envelope id.
    await h.publish(command, { envelopeId: crypto.randomUUID() });
    await waitFor(
      'duplicate skipped',
      async () =>
        (await metricValue(registry, 'eq_notifications_duplicates_skipped_total', { channel: 'sms' })) >
          skippedBefore || undefined,
    );
    expect(h.sink.store.list({ to: command.recipient.phone! })).toHaveLength(1);
    expect(
      h
        .statusesOf(command.notificationId, 'notification.sent')
        .every((s) => s.data.providerMessageId === first.data.providerMessageId),
    ).toBe(true);
  });

  // Last: replaces the service with one whose chain starts with Free Mobile.
  it('a staff alert to the Free Mobile owner goes through Free Mobile when it is in the chain', async () => {
    await service.stop();
    const other = await h.start({ SMS_PROVIDERS: 'free-mobile,twilio', PORT: '0' }, new Registry());
    try {
      const command = smsCommand({
        priority: 'NORMAL',
        template: 'staff-alert-sms',
        recipient: { kind: 'staff', id: 'ops-1', name: 'Ops', email: null, phone: '06 11 11 11 11' },
        data: { subject: 'Paiement à vérifier', message: 'Le montant reçu ne correspond pas au devis.' },
      });
      await h.publish(command);
      const sent = await h.waitForStatus(command.notificationId, 'notification.sent');
      expect(sent.data).toMatchObject({ provider: 'free-mobile', costMicros: 0 });
      const captured = h.sink.store.list({ to: '+33611111111' });
      expect(captured.map((m) => m.provider)).toEqual(['free-mobile']);
      expect(captured[0]?.text).toBe(
        '[Alerte Express Quote] Paiement à vérifier : Le montant recu ne correspond pas au devis.',
      );
    } finally {
      await other.stop();
    }
  });
});
