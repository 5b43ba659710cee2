import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_SAMPLES } from './fixtures/template-data.ts';
import { createHarness, type Harness, notificationCommand } from './support/harness.ts';

describe('priorities: HIGH is never stuck behind a NORMAL backlog', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness({ parse: false });
  });
  afterAll(async () => {
    await h?.cleanup();
  });

  it('500 NORMAL queued, then 1 HIGH: the HIGH one goes out before most NORMAL ones', async () => {
    const normal = Array.from({ length: 500 }, () =>
      notificationCommand({
        priority: 'NORMAL',
        template: 'staff-alert',
        recipient: {
          ...TEMPLATE_SAMPLES['staff-alert'].recipient,
          email: `ops.${Math.random()}@express-quote.test`,
        },
        data: { ...TEMPLATE_SAMPLES['staff-alert'].data },
      }),
    );
    for (const command of normal) await h.publish(command);
    const high = notificationCommand({ priority: 'HIGH' });
    await h.publish(high);

    // Production pool settings: 5 connections, 10 messages/s; NORMAL may hold 3 of them.
    const started = Date.now();
    await h.start({
      SMTP_MAX_CONNECTIONS: '5',
      SMTP_RATE_LIMIT_PER_SECOND: '10',
      EMAIL_NORMAL_CONCURRENCY: '3',
      EMAIL_HIGH_CONCURRENCY: '4',
    });
    await h.sink.waitForMessages(1, { filter: { to: high.recipient.email! }, timeoutMs: 15_000 });
    const captured = h.sink.messages();
    const position = captured.findIndex((m) => m.envelope.to.includes(high.recipient.email!.toLowerCase()));
    console.info(
      `HIGH sent ${Date.now() - started} ms after start, at position ${position + 1} of ${captured.length} captured; ${500 - (captured.length - 1)} NORMAL still waiting`,
    );
    expect(position).toBeGreaterThanOrEqual(0);
    expect(position).toBeLessThan(50);
    expect(captured.length - 1).toBeLessThan(250);
  });
});

describe("priorities: the customer's CRITICAL confirmation is never stuck behind a HIGH backlog", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness({ parse: false });
  });
  afterAll(async () => {
    await h?.cleanup();
  });

  it('500 HIGH staff copies queued, then 1 CRITICAL confirmation: it goes out before most HIGH ones', async () => {
    const sample = TEMPLATE_SAMPLES['professional-document'];
    const staffCopies = Array.from({ length: 500 }, () =>
      notificationCommand({
        priority: 'HIGH',
        template: 'professional-document',
        recipient: { ...sample.recipient, email: `ops.${Math.random()}@express-quote.test` },
        data: { ...sample.data },
      }),
    );
    for (const command of staffCopies) await h.publish(command);
    const confirmation = notificationCommand({ priority: 'CRITICAL' });
    await h.publish(confirmation);

    // Production pool settings: 5 connections, 10 messages/s; HIGH may hold 4 of them.
    const started = Date.now();
    await h.start({
      SMTP_MAX_CONNECTIONS: '5',
      SMTP_RATE_LIMIT_PER_SECOND: '10',
      EMAIL_CRITICAL_CONCURRENCY: '4',
      EMAIL_HIGH_CONCURRENCY: '4',
      EMAIL_NORMAL_CONCURRENCY: '3',
    });
    await h.sink.waitForMessages(1, { filter: { to: confirmation.recipient.email! }, timeoutMs: 15_000 });
    const captured = h.sink.messages();
    const position = captured.findIndex((m) =>
      m.envelope.to.includes(confirmation.recipient.email!.toLowerCase()),
    );
    console.info(
      `CRITICAL sent ${Date.now() - started} ms after start, at position ${position + 1} of ${captured.length} captured; ${500 - (captured.length - 1)} HIGH still waiting`,
    );
    // On the HIGH lane it would have been the 501st message out.
    expect(position).toBeGreaterThanOrEqual(0);
    expect(position).toBeLessThan(20);
    expect(captured.length - 1).toBeLessThan(250);
    // For the mailbox CRITICAL is as urgent as HIGH (nodemailer's "high": X-Priority 1).
    expect(captured[position]?.raw.toString()).toMatch(/^X-Priority: 1/m);
    const status = await h.waitForStatus(confirmation.notificationId, 'notification.sent');
    expect(status.data).toMatchObject({ provider: 'smtp', attempt: 1 });
  });
});
