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
