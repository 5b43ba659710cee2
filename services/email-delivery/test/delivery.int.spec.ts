import { redrive, showDeadLetter } from '@express-quote/messaging';
import { waitFor } from '@express-quote/testing';
import { sql } from 'kysely';
import { Registry as PromRegistry, type Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmailDeliveryService } from '../src/service.ts';
import { TEMPLATE_SAMPLES } from './fixtures/template-data.ts';
import {
  createHarness,
  type Harness,
  MESSAGE_ID_DOMAIN,
  notificationCommand,
  samplePdf,
  sha256,
} from './support/harness.ts';

const metricValue = async (registry: Registry, name: string, labels: Record<string, string> = {}) => {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as Array<{ value: number; labels: Record<string, string | number> }>;
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
};

describe('email-delivery against a real SMTP server (sink), NATS and Postgres', () => {
  let h: Harness;
  let service: EmailDeliveryService;
  const registry = new PromRegistry();

  beforeAll(async () => {
    h = await createHarness();
    service = await h.start({ EMAIL_MAX_DELIVER: '4' }, registry);
  });
  afterAll(async () => {
    await h?.cleanup();
  });

  const deliveryRow = async (notificationId: string) => {
    const { rows } = await sql<{
      status: string;
      attempts: number;
      message_id: string;
      sent_at: Date | null;
    }>`
      select status, attempts, message_id, sent_at from email_delivery.deliveries where notification_id = ${notificationId}`.execute(
      h.database.db,
    );
    return rows[0];
  };

  it('sends the customer confirmation with its PDFs from the object store, once, and reports it', async () => {
    const confirmation = samplePdf('confirmation');
    const invoice = samplePdf('facture', 35_000);
    const documents = [
      await h.storeDocument('BOOKING_CONFIRMATION', 'confirmation-EQ-2026-000123.pdf', confirmation),
      await h.storeDocument('INVOICE', 'facture-EQ-2026-000123.pdf', invoice),
    ];
    const command = notificationCommand({ attachments: documents });
    const address = command.recipient.email!;
    await h.publish(command);

    const sent = await h.waitForStatus(command.notificationId, 'notification.sent');
    const [mail] = await h.sink.waitForMessages(1, { filter: { to: address } });
    expect(mail?.messageId).toBe(`<${command.notificationId}@${MESSAGE_ID_DOMAIN}>`);
    expect(mail?.subject).toBe('Votre réservation EQ-2026-000123 est confirmée');
    expect(mail?.from).toBe(`noreply@${MESSAGE_ID_DOMAIN}`);
    expect(mail?.html).toContain('Voir ma réservation');
    expect(mail?.text).toContain('Montant total TTC : 1 234,56 €');
    expect(mail?.headers['x-notification-id']).toBe(command.notificationId);
    expect(mail?.attachments.map((a) => [a.filename, a.contentType, a.sha256])).toEqual([
      ['confirmation-EQ-2026-000123.pdf', 'application/pdf', sha256(confirmation)],
      ['facture-EQ-2026-000123.pdf', 'application/pdf', sha256(invoice)],
    ]);

    expect(sent.data).toMatchObject({ attempt: 1, provider: 'smtp', providerMessageId: mail?.messageId });
    expect(sent.correlationId).toBe(`evt_test_${command.notificationId}`);
    expect(h.statusesOf(command.notificationId).map((s) => s.type)).toEqual([
      'notification.sending',
      'notification.sent',
    ]);
    expect(await deliveryRow(command.notificationId)).toMatchObject({
      status: 'SENT',
      attempts: 1,
      message_id: mail?.messageId,
    });
  });

  it('fetches and encodes a document once for several recipients', async () => {
    const pdf = samplePdf('internal-set', 50_000);
    const document = await h.storeDocument('CUSTOMER_DETAILS', 'fiche-client.pdf', pdf);
    const missesBefore = await metricValue(registry, 'eq_email_attachment_lookups_total', { result: 'miss' });
    const commands = [1, 2, 3].map(() =>
      notificationCommand({
        template: 'professional-document',
        recipient: {
          ...TEMPLATE_SAMPLES['professional-document'].recipient,
          email: `staff.${Math.random()}@express-quote.test`,
        },
        data: { ...TEMPLATE_SAMPLES['professional-document'].data },
        attachments: [document],
      }),
    );
    // One at a time, so the cache (not the shared in-flight fetch) serves the second and third.
    for (const command of commands) {
      await h.publish(command);
      await h.waitForStatus(command.notificationId, 'notification.sent');
    }
    for (const command of commands) {
      const [mail] = h.sink.messages({ to: command.recipient.email! });
      expect(mail?.attachments[0]?.sha256).toBe(sha256(pdf));
    }
    expect(
      (await metricValue(registry, 'eq_email_attachment_lookups_total', { result: 'miss' })) - missesBefore,
    ).toBe(1);
  });

  it('SMTP answering 451 twice then 250: sent once, attempts = 3', async () => {
    h.sink.faults.failNext(2, { code: 451 });
    const command = notificationCommand();
    const address = command.recipient.email!;
    await h.publish(command);

    const sent = await h.waitForStatus(command.notificationId, 'notification.sent');
    expect(sent.data.attempt).toBe(3);
    expect(h.sink.attempts({ to: address }).map((a) => a.code)).toEqual([451, 451, 250]);
    expect(h.sink.messages({ to: address })).toHaveLength(1);
    expect(h.statusesOf(command.notificationId, 'notification.sending').map((s) => s.data.attempt)).toEqual([
      1, 2, 3,
    ]);
    expect(h.statusesOf(command.notificationId, 'notification.failed')).toEqual([]);
    expect(await deliveryRow(command.notificationId)).toMatchObject({ status: 'SENT', attempts: 3 });
  });

  it('SMTP 550: FAILED at once with the reason, no retry, dead-lettered', async () => {
    const command = notificationCommand();
    const address = command.recipient.email!;
    h.sink.faults.rejectRecipient(address);
    const published = await h.publish(command);

    const failed = await h.waitForStatus(command.notificationId, 'notification.failed');
    expect(failed.data).toMatchObject({ attempt: 1, retriable: false, provider: 'smtp' });
    expect(failed.data.reason).toMatch(/^SMTP 550: /);
    expect(failed.data.reason).not.toContain(address);
    expect(await deliveryRow(command.notificationId)).toMatchObject({ status: 'FAILED', attempts: 1 });
    // Terminated (not nak'ed): the DLQ says so with the reason, and nothing is left to redeliver.
    const letters = await h.deadLetters();
    const letter = letters.find((l) => l.reason === failed.data.reason);
    expect(letter?.kind).toBe('terminated');
    const info = await h.nats.jsm.consumers.info(h.nats.ns.stream('notify'), 'email-delivery-high');
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
    expect(h.sink.attempts({ to: address }).map((a) => a.code)).toEqual([550]);
    expect(h.sink.messages({ to: address })).toHaveLength(0);
    expect(published.id).toBe(command.notificationId);
  });

  it('a command redelivered after SENT is not sent twice', async () => {
    const command = notificationCommand({ priority: 'NORMAL' });
    await h.publish(command);
    const sent = await h.waitForStatus(command.notificationId, 'notification.sent');
    const skippedBefore = await metricValue(registry, 'eq_notifications_duplicates_skipped_total');

    // The same command again under another msgID: what a redelivery after a crash, or a replay past the
    // duplicate window, looks like to this service.
    await h.publish(command, { envelopeId: crypto.randomUUID() });
    await expect
      .poll(() => metricValue(registry, 'eq_notifications_duplicates_skipped_total'), { timeout: 10_000 })
      .toBe(skippedBefore + 1);

    expect(h.sink.messages({ to: command.recipient.email! })).toHaveLength(1);
    // `sent` was republished with the same id: the stream kept one.
    expect(h.statusesOf(command.notificationId, 'notification.sent').map((s) => s.id)).toEqual([sent.id]);
  });

  it('template data missing: FAILED (not retriable) naming the fields, nothing sent', async () => {
    const { customerName: _n, totalAmount: _t, ...data } = TEMPLATE_SAMPLES['booking-confirmation'].data;
    const command = notificationCommand({ data });
    await h.publish(command);
    const failed = await h.waitForStatus(command.notificationId, 'notification.failed');
    expect(failed.data).toMatchObject({ retriable: false, provider: null });
    expect(failed.data.reason).toBe(
      'template booking-confirmation: missing field(s): customerName, totalAmount',
    );
    expect(h.statusesOf(command.notificationId, 'notification.sending')).toEqual([]);
    expect(h.sink.attempts({ to: command.recipient.email! })).toEqual([]);
  });

  it('an attachment whose bytes do not match its sha256 fails the notification rather than send a wrong PDF', async () => {
    const document = await h.storeDocument('INVOICE', 'facture.pdf', samplePdf('facture-v1'));
    const command = notificationCommand({
      attachments: [{ ...document, sha256: sha256(samplePdf('facture-v2')) }],
    });
    await h.publish(command);
    const failed = await h.waitForStatus(command.notificationId, 'notification.failed');
    expect(failed.data.retriable).toBe(false);
    expect(failed.data.reason).toMatch(/does not match the expected/);
    expect(h.sink.attempts({ to: command.recipient.email! })).toEqual([]);
  });

  it('attempts exhausted: FAILED (retriable) on the last delivery, dead-lettered, and redrivable once SMTP is back', async () => {
    h.sink.faults.failNext(100, { code: 452 });
    const command = notificationCommand({ priority: 'NORMAL' });
    try {
      await h.publish(command);
      const failed = await h.waitForStatus(command.notificationId, 'notification.failed');
      expect(failed.data).toMatchObject({ attempt: 4, retriable: true, provider: 'smtp' });
      expect(failed.data.reason).toMatch(/^SMTP 452: .*gave up after 4 deliveries/);
      expect(h.statusesOf(command.notificationId, 'notification.sending').map((s) => s.data.attempt)).toEqual(
        [1, 2, 3, 4],
      );
      expect(await deliveryRow(command.notificationId)).toMatchObject({ status: 'FAILED', attempts: 4 });
    } finally {
      h.sink.faults.clear();
    }
    const letter = await waitFor('dead letter', async () =>
      (await h.deadLetters()).find((l) => l.reason?.includes('max deliveries (4/4)')),
    );
    const detail = await showDeadLetter(h.nats.jsm, h.nats.ns, letter.dlqSequence);
    expect(detail?.original?.data).toMatchObject({
      id: command.notificationId,
      data: { notificationId: command.notificationId },
    });

    await redrive(h.nats.jsm, h.nats.ns, letter.dlqSequence);
    const sent = await h.waitForStatus(command.notificationId, 'notification.sent');
    expect(sent.data.attempt).toBe(1);
    expect(h.sink.messages({ to: command.recipient.email! })).toHaveLength(1);
    expect(await deliveryRow(command.notificationId)).toMatchObject({ status: 'SENT', attempts: 1 });
  });

  it('answers health, readiness and metrics over HTTP', async () => {
    expect((await service.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    const ready = await service.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { nats: 'ok', postgres: 'ok' } });
    const metrics = await service.app.inject({ url: '/metrics' });
    expect(metrics.body).toContain('eq_provider_circuit_state{provider="smtp"} 0');
  });

  it('exposes per channel and provider metrics', async () => {
    const text = await registry.metrics();
    expect(text).toMatch(/eq_notifications_sent_total\{channel="email",provider="smtp"\} \d+/);
    expect(text).toMatch(
      /eq_notifications_failed_total\{channel="email",provider="smtp",retriable="false"\} \d+/,
    );
    expect(text).toMatch(
      /eq_notifications_retried_total\{channel="email",provider="smtp",reason="smtp_transient"\} \d+/,
    );
    expect(text).toMatch(
      /eq_notification_send_seconds_count\{channel="email",provider="smtp",outcome="sent"\} \d+/,
    );
    expect(text).toMatch(
      /eq_consumer_pending\{stream="[A-Z0-9_]*NOTIFY",consumer="email-delivery-normal"\} 0/,
    );
    expect(await metricValue(registry, 'eq_notifications_sent_total')).toBeGreaterThanOrEqual(6);
  });
});
