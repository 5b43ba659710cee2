import { waitFor } from '@express-quote/testing';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, notificationCommand } from './support/harness.ts';

const gauge = async (registry: Registry, name: string, labels: Record<string, string> = {}) => {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as Array<{ value: number; labels: Record<string, string | number> }>;
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
};

describe('SMTP outage: circuit breaker', () => {
  let h: Harness;
  const registry = new Registry();

  beforeAll(async () => {
    h = await createHarness();
    await h.start(
      {
        SMTP_BREAKER_FAILURES: '3',
        SMTP_BREAKER_HALF_OPEN_MS: '1s',
        EMAIL_BACKOFF_MS: '200ms,400ms,800ms',
        SMTP_BREAKER_MAX_HALF_OPEN_MS: '2s',
        EMAIL_MAX_DELIVER: '12',
      },
      registry,
    );
  });
  afterAll(async () => {
    await h?.cleanup();
  });

  it('opens while SMTP is down, delays messages instead of failing them, and delivers each once after recovery', {
    timeout: 90_000,
  }, async () => {
    const warmUp = notificationCommand();
    await h.publish(warmUp);
    await h.waitForStatus(warmUp.notificationId, 'notification.sent');

    await h.sink.stopSmtp();
    const commands = Array.from({ length: 20 }, (_, i) =>
      notificationCommand({ priority: i % 2 ? 'HIGH' : 'NORMAL' }),
    );
    for (const command of commands) await h.publish(command);

    // Open: the state gauge says so, and deliveries are handed back without an SMTP attempt.
    await waitFor('circuit open', async () => (await gauge(registry, 'eq_provider_circuit_state')) === 2);
    await waitFor(
      'messages delayed by the open circuit',
      async () => (await gauge(registry, 'eq_notifications_retried_total', { reason: 'circuit_open' })) >= 5,
    );
    // Down "for a while": past several half-open probes.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const probesWhileDown = await gauge(registry, 'eq_notifications_retried_total', {
      reason: 'smtp_transient',
    });
    expect(h.statuses.filter((s) => s.type === 'notification.failed')).toEqual([]);
    expect(h.sink.messages()).toHaveLength(1);

    await h.sink.startSmtp();
    await waitFor(
      'every message sent after recovery',
      () => commands.every((c) => h.statusesOf(c.notificationId, 'notification.sent').length > 0),
      { timeoutMs: 30_000 },
    );
    await waitFor('circuit closed', async () => (await gauge(registry, 'eq_provider_circuit_state')) === 0);

    for (const command of commands) {
      expect(h.sink.messages({ to: command.recipient.email! }), command.recipient.email!).toHaveLength(1);
    }
    expect(h.sink.messages()).toHaveLength(21);
    expect(h.statuses.filter((s) => s.type === 'notification.failed')).toEqual([]);
    // Few real SMTP attempts while down (the breaker's probes), many more deliveries held back by it.
    const heldBack = await gauge(registry, 'eq_notifications_retried_total', { reason: 'circuit_open' });
    console.info(
      `SMTP outage: ${heldBack} deliveries delayed by the open circuit, ${probesWhileDown} failed SMTP attempts (threshold + probes)`,
    );
    expect(heldBack).toBeGreaterThan(probesWhileDown);
  });
});
