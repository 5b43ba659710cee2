import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';

export interface PrivateNatsServer {
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGTERM) and keeps its store, so `start()` brings back the same streams. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its store. */
  destroy(): Promise<void>;
}

const waitForListening = (child: ChildProcess, port: number): Promise<void> =>
  new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(
      () => reject(new Error(`nats-server on ${port} did not start:\n${log}`)),
      10_000,
    );
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Server is ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with ${code}:\n${log}`));
    });
  });

/**
 * A nats-server of its own on an ephemeral port, for tests that stop and restart the server (outages,
 * reconnection) without touching the shared one. Needs `nats-server` on PATH (or NATS_SERVER_BIN).
 */
export const startPrivateNatsServer = async (): Promise<PrivateNatsServer> => {
  const bin = process.env.NATS_SERVER_BIN ?? 'nats-server';
  const port = await freePort();
  const storeDir = await mkdtemp(join(tmpdir(), 'eq-nats-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await waitForListening(child, port);
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async destroy() {
      await stop();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
};
