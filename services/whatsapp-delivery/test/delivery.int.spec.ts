import { createHash, createHmac } from 'node:crypto';
import { waitFor } from '@express-quote/testing';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, samplePdf, VERIFY_TOKEN, whatsappCommand } from './support/harness.ts';

const metricValue = async (registry: Registry, name: string, labels: Record<string, string> = {}) => {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as Array<{ value: number; labels: Record<string, string | number> }>;
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
};
const digits = (s: string) => s.replace(/[^\d]/g, '');

describe('whatsapp-delivery against the Cloud API emulator, NATS and Postgres', () => {
  let h: Harness;
  const registry = new Registry();

  beforeAll(async () => {
    h = await createHarness();
    await h.start({ WHATSAPP_MAX_DELIVER: '4' }, registry);
  });
  beforeEach(() => {
    h.meta.faults.clear();
    h.meta.setWindowErrors('sync');
  });
  afterAll(async () => {
    await h?.cleanup();
  });

  it('inside the 24-hour window: the text, then the PDF uploaded once; webhooks → DELIVERED then READ with the pricing', async () => {
    const pdf = samplePdf('confirmation');
    const document = await h.storeDocument('confirmation-EQ-2026-000123.pdf', pdf);
    const command = whatsappCommand({ attachments: [document] });
    h.meta.openWindow(command.recipient.phone!);
    const event = await h.publish(command);

    const sent = await h.waitForStatus(command.notificationId, 'notification.sent');
    const captured = h.meta.store.list({ to: command.recipient.phone! });
    expect(captured.map((m) => m.meta.type)).toEqual(['text', 'document']);
    expect(captured[0]?.text).toContain('Votre réservation *EQ-2026-000123* est confirmée (déménagement).');
    expect(captured[0]?.text.startsWith('Bonjour Zoë,')).toBe(true);
    expect(captured[1]?.meta.document).toMatchObject({
      filename: 'confirmation-EQ-2026-000123.pdf',
      sha256: createHash('sha256').update(pdf).digest('hex'),
    });
    expect(sent.data).toMatchObject({
      provider: 'whatsapp-cloud',
      providerMessageId: captured[0]?.id,
      attempt: 1,
    });
    expect(sent.correlationId).toBe(event.correlationId);

    expect(await h.meta.reportStatus(captured[0]!.id, 'sent')).toBe(200);
    expect(await h.meta.reportStatus(captured[0]!.id, 'delivered')).toBe(200);
    const delivered = await h.waitForStatus(command.notificationId, 'notification.delivered');
    expect(delivered.data).toMatchObject({
      status: 'delivered',
      pricing: { category: 'service', billable: false, costMicros: 0 },
    });
    expect(await h.meta.reportStatus(captured[0]!.id, 'read')).toBe(200);
    await waitFor('read', () =>
      h.statusesOf(command.notificationId, 'notification.delivered').find((s) => s.data.status === 'read'),
    );
    // A status of the document (not the main message) changes nothing.
    expect(
      await h.meta.reportStatus(captured[1]!.id, 'failed', {
        errors: [{ code: 131026, title: 'Message undeliverable' }],
      }),
    ).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(h.statusesOf(command.notificationId, 'notification.undelivered')).toEqual([]);

    // The same document for a second recipient is not uploaded again.
    const uploads = h.meta.media.size;
    const second = whatsappCommand({ attachments: [document] });
    h.meta.openWindow(second.recipient.phone!);
    await h.publish(second);
    await h.waitForStatus(second.notificationId, 'notification.sent');
    expect(h.meta.media.size).toBe(uploads);
  });

  it('outside the window (131047 at send): the approved template, with the confirmation PDF in its header', async () => {
    const document = await h.storeDocument('confirmation.pdf', samplePdf('outside'));
    const command = whatsappCommand({ attachments: [document] });
    await h.publish(command);
    const sent = await h.waitForStatus(command.notificationId, 'notification.sent');
    const captured = h.meta.store.list({ to: command.recipient.phone! });
    expect(captured).toHaveLength(1);
    expect(captured[0]?.meta.template).toMatchObject({
      name: 'confirmation_reservation',
      language: 'fr',
      bodyParams: [
        'Zoë',
        'EQ-2026-000123',
        'lundi 15 juin 2026',
        '09h00 \u2013 12h00',
        '1\u202f234,56\u00a0€',
      ],
      headerDocument: { filename: 'confirmation.pdf' },
    });
    expect(sent.data.providerMessageId).toBe(captured[0]?.id);
    expect(
      await metricValue(registry, 'eq_whatsapp_template_fallbacks_total', { source: 'send' }),
    ).toBeGreaterThanOrEqual(1);

    // A template is billed as utility: the price table gives its cost, counted once.
    const before = await metricValue(registry, 'eq_whatsapp_cost_euros_total', { category: 'utility' });
    expect(await h.meta.reportStatus(captured[0]!.id, 'sent')).toBe(200);
    expect(await h.meta.reportStatus(captured[0]!.id, 'delivered')).toBe(200);
    const delivered = await h.waitForStatus(command.notificationId, 'notification.delivered');
    expect(delivered.data.pricing).toMatchObject({ category: 'utility', billable: true, costMicros: 30_000 });
    expect(
      (await metricValue(registry, 'eq_whatsapp_cost_euros_total', { category: 'utility' })) - before,
    ).toBeCloseTo(0.03, 6);
  });

  it('outside the window, refused only in a status webhook: the template is sent once in its place', async () => {
    h.meta.setWindowErrors('async');
    const command = whatsappCommand({
      template: 'staff-alert-whatsapp',
      data: { subject: 'Paiement à vérifier', message: 'Le montant\nne correspond pas.' },
    });
    await h.publish(command);
    await waitFor(
      'two sent events',
      () => h.statusesOf(command.notificationId, 'notification.sent').length >= 2 || undefined,
      { timeoutMs: 15_000 },
    );
    const captured = h.meta.store.list({ to: command.recipient.phone! });
    expect(captured.map((m) => m.meta.type)).toEqual(['text', 'template']);
    expect(captured[1]?.meta.template).toMatchObject({
      name: 'alerte_equipe',
      bodyParams: ['Paiement à vérifier', 'Le montant ne correspond pas.'],
    });
    const sentEvents = h.statusesOf(command.notificationId, 'notification.sent');
    expect(sentEvents.map((s) => s.data.providerMessageId)).toEqual([captured[0]?.id, captured[1]?.id]);
    expect(h.statusesOf(command.notificationId, 'notification.undelivered')).toEqual([]);
    const { rows } = await sql<{ message_kind: string; provider_message_id: string }>`
      select message_kind, provider_message_id from whatsapp_delivery.deliveries where notification_id = ${command.notificationId}`.execute(
      h.database.db,
    );
    expect(rows[0]).toEqual({ message_kind: 'template', provider_message_id: captured[1]?.id });
  });

  it('rate limited (130429) then accepted: retried with backoff, sent once', async () => {
    const command = whatsappCommand();
    h.meta.openWindow(command.recipient.phone!);
    h.meta.faults.failNext(2, { status: 400, code: 130429, message: 'Rate limit hit' });
    await h.publish(command);
    const sent = await h.waitForStatus(command.notificationId, 'notification.sent');
    expect(sent.data.attempt).toBe(3);
    expect(h.meta.store.list({ to: command.recipient.phone! })).toHaveLength(1);
    expect(h.statusesOf(command.notificationId, 'notification.failed')).toEqual([]);
  });

  it.each([
    [131026, 'Message undeliverable'],
    [100, 'Invalid parameter'],
    [131009, 'Parameter value is not valid'],
  ])('error %i is permanent: FAILED at once, no retry', async (code, message) => {
    const command = whatsappCommand();
    h.meta.faults.rejectRecipient(command.recipient.phone!, { status: 400, code, message });
    const calls = h.meta.requests;
    await h.publish(command);
    const failed = await h.waitForStatus(command.notificationId, 'notification.failed');
    expect(failed.data).toMatchObject({ retriable: false, attempt: 1, provider: 'whatsapp-cloud' });
    expect(failed.data.reason).toContain(`code ${code}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.meta.requests - calls).toBe(1);
  });

  it('a failed status of the main message → notification.undelivered with its error code', async () => {
    const command = whatsappCommand();
    h.meta.openWindow(command.recipient.phone!);
    await h.publish(command);
    const sent = await h.waitForStatus(command.notificationId, 'notification.sent');
    expect(
      await h.meta.reportStatus(sent.data.providerMessageId as string, 'failed', {
        errors: [{ code: 131026, title: 'Message undeliverable' }],
      }),
    ).toBe(200);
    const undelivered = await h.waitForStatus(command.notificationId, 'notification.undelivered');
    expect(undelivered.data).toMatchObject({
      errorCode: '131026',
      reason: 'whatsapp failed (error 131026: Message undeliverable)',
    });
  });

  it('webhook verification: the challenge is echoed for our token only', async () => {
    const ok = await request(
      `${h.baseUrl}/api/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
    );
    expect(ok.statusCode).toBe(200);
    expect(await ok.body.text()).toBe('1158201444');
    const wrong = await request(
      `${h.baseUrl}/api/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444`,
    );
    expect(wrong.statusCode).toBe(403);
    await wrong.body.dump();
  });

  it('an unsigned or forged status webhook gets 403 and writes nothing', async () => {
    const command = whatsappCommand();
    h.meta.openWindow(command.recipient.phone!);
    await h.publish(command);
    const sent = await h.waitForStatus(command.notificationId, 'notification.sent');
    const wamid = sent.data.providerMessageId as string;
    expect(await h.meta.reportStatus(wamid, 'delivered', { signature: null })).toBe(403);
    expect(await h.meta.reportStatus(wamid, 'delivered', { signature: `sha256=${'0'.repeat(64)}` })).toBe(
      403,
    );
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          changes: [
            {
              field: 'messages',
              value: {
                statuses: [
                  {
                    id: wamid,
                    status: 'delivered',
                    timestamp: '1700000000',
                    recipient_id: digits(command.recipient.phone!),
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const wrongSecret = `sha256=${createHmac('sha256', 'not-the-app-secret').update(body).digest('hex')}`;
    expect(await h.meta.postWebhook(body, wrongSecret)).toBe(403);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(h.statusesOf(command.notificationId, 'notification.delivered')).toEqual([]);
    // The same body signed with the app secret is accepted.
    expect(
      await h.meta.postWebhook(
        body,
        `sha256=${createHmac('sha256', h.meta.appSecret).update(body).digest('hex')}`,
      ),
    ).toBe(200);
    await h.waitForStatus(command.notificationId, 'notification.delivered');
  });
});
