import { defineEvent, namespaced } from '@express-quote/contracts';
import { type PrivateNatsServer, startPrivateNatsServer, testLogger, waitFor } from '@express-quote/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectNats, createPublisher, ensureContextStream, runConsumer } from '../src/index.ts';
import { captureLogs, makeEvent } from './support.ts';

const Survivor = defineEvent({
  type: 'conntest.survived',
  context: 'payments',
  schema: z.object({ n: z.number().int() }),
});

let server: PrivateNatsServer;
const connections: NatsConnection[] = [];
beforeAll(async () => {
  server = await startPrivateNatsServer();
});
afterAll(async () => {
  for (const nc of connections) if (!nc.isClosed()) await nc.close();
  await server?.destroy();
});

describe('connectNats', () => {
  it('waits for a server that is not up yet, saying so without credentials, then connects', async () => {
    await server.stop();
    const logs = captureLogs();
    const url = `nats://svc:s3cr3t@127.0.0.1:${server.port}`;
    const pending = connectNats({
      servers: url,
      name: 'conn-test',
      logger: logs.logger,
      maxConnectRetryMs: 200,
    });
    await waitFor('a waiting log line', () =>
      logs.lines.some((l) => l.msg === `waiting for NATS at nats://***@127.0.0.1:${server.port}`),
    );
    await server.start();
    const nc = await pending;
    connections.push(nc);
    expect(nc.isClosed()).toBe(false);
    expect(logs.text()).not.toContain('s3cr3t');
    expect(logs.lines.some((l) => l.msg === 'connected to NATS')).toBe(true);
  });

  it('gives up waiting when aborted', async () => {
    const closed = await startPrivateNatsServer();
    await closed.destroy();
    const controller = new AbortController();
    const pending = connectNats({
      servers: closed.url,
      name: 'aborted',
      logger: testLogger(),
      maxConnectRetryMs: 100,
      signal: controller.signal,
    });
    controller.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
  });

  it('logs a disconnect and a reconnect, and a running consumer carries on after a server restart', async () => {
    const logs = captureLogs();
    const nc = await connectNats({
      servers: server.url,
      name: 'restart-test',
      logger: logs.logger,
      reconnectTimeWaitMs: 100,
      reconnectJitterMs: 50,
    });
    connections.push(nc);
    const ns = namespaced('restart');
    const jsm = await jetstreamManager(nc);
    await ensureContextStream(jsm, ns, 'payments');
    const publisher = createPublisher(nc, ns);
    const handled = new Set<number>();
    const consumer = await runConsumer({
      nc,
      ns,
      logger: logs.logger,
      name: 'survivor',
      context: 'payments',
      filterSubject: Survivor.subject,
      events: [Survivor],
      concurrency: 4,
      maxDeliver: 5,
      backoffMs: [100],
      ackWaitMs: 5_000,
      handler: async (event) => {
        handled.add(event.data.n);
      },
    });
    await publisher.publish(makeEvent(Survivor, { n: 1 }));
    await waitFor('first handled', () => handled.has(1));

    await server.stop();
    await waitFor('disconnect logged', () => logs.lines.some((l) => l.msg === 'NATS disconnected'));
    await server.start();
    await waitFor('reconnect logged', () => logs.lines.some((l) => l.msg === 'NATS reconnected'), {
      timeoutMs: 15_000,
    });
    await waitFor(
      'published after the restart',
      async () => {
        try {
          await publisher.publish(makeEvent(Survivor, { n: 2 }, '01990000-0000-7000-8000-000000000002'));
          return true;
        } catch {
          return false;
        }
      },
      { timeoutMs: 15_000, intervalMs: 250 },
    );
    await waitFor('handled after the restart', () => handled.has(2), { timeoutMs: 20_000 });
    await consumer.stop();
  }, 60_000);
});
