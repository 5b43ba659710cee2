import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, notificationCommand } from './support/harness.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

const spawnService = (env: Record<string, string>): ChildProcess => {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.once('exit', (code, signal) => {
    if (code && code !== 0) console.error(`email-delivery exited with ${code} (${signal}):\n${stderr}`);
  });
  return child;
};

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode ? resolve() : child.once('exit', () => resolve()),
  );

describe('email-delivery process killed (SIGKILL) mid-batch', () => {
  let h: Harness;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null && !child.signalCode) {
        child.kill('SIGTERM');
        await exited(child);
      }
    }
    await h?.cleanup();
  });

  it('delivers every one of 200 messages; duplicates only from the crash window, each with one Message-ID', {
    timeout: 120_000,
  }, async () => {
    const env = h.env({
      LOG_LEVEL: 'warn',
      // Redelivery of what the killed process held comes after ack_wait: keep it short here.
      EMAIL_ACK_WAIT_MS: '3s',
      SMTP_SEND_TIMEOUT_MS: '2s',
      EMAIL_HIGH_CONCURRENCY: '4',
      EMAIL_NORMAL_CONCURRENCY: '3',
    });
    // A slower server so the kill lands with sends in flight.
    h.sink.faults.delayData(15);
    const commands = Array.from({ length: 200 }, (_, i) =>
      notificationCommand({ priority: i % 3 ? 'NORMAL' : 'HIGH' }),
    );
    for (const command of commands) await h.publish(command);

    const first = spawnService(env);
    children.push(first);
    await h.sink.waitForMessages(60, { timeoutMs: 60_000 });
    first.kill('SIGKILL');
    await exited(first);
    const capturedAtKill = h.sink.messages().length;

    const second = spawnService(env);
    children.push(second);
    await waitFor(
      'every notification sent',
      () => commands.every((c) => h.statusesOf(c.notificationId, 'notification.sent').length > 0),
      { timeoutMs: 90_000, intervalMs: 100 },
    );

    const duplicates: Array<{ notificationId: string; copies: number; messageIds: string[] }> = [];
    for (const command of commands) {
      const copies = h.sink.messages({ to: command.recipient.email! });
      expect(copies.length, `messages for ${command.notificationId}`).toBeGreaterThanOrEqual(1);
      const messageIds = [...new Set(copies.map((m) => m.messageId ?? '(none)'))];
      // Whatever happened, every copy of a notification carries its one deterministic Message-ID.
      expect(messageIds).toEqual([`<${command.notificationId}@express-quote.test>`]);
      if (copies.length > 1)
        duplicates.push({ notificationId: command.notificationId, copies: copies.length, messageIds });
      // One `sent` status per notification (same id when republished).
      expect(new Set(h.statusesOf(command.notificationId, 'notification.sent').map((s) => s.id)).size).toBe(
        1,
      );
    }
    console.info(
      `SIGKILL after ${capturedAtKill}/200 captured: ${h.sink.messages().length} messages captured in all, ` +
        `${duplicates.length} notification(s) sent twice (accepted by SMTP, not yet recorded when killed)` +
        (duplicates.length
          ? `: ${duplicates.map((d) => `${d.notificationId} ×${d.copies} ${d.messageIds[0]}`).join(', ')}`
          : ''),
    );
    // Only messages in flight at the kill can be in the window: at most the two consumers' concurrency.
    expect(duplicates.length).toBeLessThanOrEqual(7);
    expect(duplicates.every((d) => d.copies === 2)).toBe(true);
    expect(h.statuses.filter((s) => s.type === 'notification.failed')).toEqual([]);
  });
});
