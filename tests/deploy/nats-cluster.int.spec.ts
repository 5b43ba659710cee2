// The Kubernetes NATS configuration, run for real: three nats-server processes with infra/k8s/base/nats/nats.conf
// (only addresses and paths swapped for local ones) form a JetStream cluster that takes R3 streams
// (STREAM_REPLICAS=3 of the production overlay) and keeps accepting writes with one server down (a rolling
// restart or a drained node).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@express-quote/testing';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRepoFile } from './support/repo-files.ts';

interface Node {
  name: string;
  client: number;
  child?: ChildProcess;
  log: string;
}

const dir = mkdtempSync(join(tmpdir(), 'eq-nats-cluster-'));
const nodes: Node[] = [];
let nc: NatsConnection | undefined;

/** The deployed configuration with local addresses; every replaced line must exist, or the test is stale. */
const localConfig = (
  template: string,
  node: Node,
  cluster: number,
  routes: number[],
  monitor: number,
): string => {
  const swaps: Array<[RegExp, string]> = [
    [/^listen: 0\.0\.0\.0:4222$/m, `listen: 127.0.0.1:${node.client}`],
    [/^http: 0\.0\.0\.0:8222$/m, `http: 127.0.0.1:${monitor}`],
    [/^pid_file: .*$/m, `pid_file: ${join(dir, `${node.name}.pid`)}`],
    [/^ {2}store_dir: \/data$/m, `  store_dir: ${join(dir, node.name)}`],
    [/^ {2}max_file_store: .*$/m, '  max_file_store: 1GB'],
    [/^ {2}listen: 0\.0\.0\.0:6222$/m, `  listen: 127.0.0.1:${cluster}`],
    [
      /^ {2}routes: \[[^\]]*\]$/m,
      `  routes: [\n${routes.map((p) => `    nats://127.0.0.1:${p}`).join('\n')}\n  ]`,
    ],
  ];
  let config = template;
  for (const [pattern, replacement] of swaps) {
    expect(config, `nats.conf still has ${pattern}`).toMatch(pattern);
    config = config.replace(pattern, replacement);
  }
  return config;
};

const start = (node: Node, file: string) => {
  node.child = spawn('nats-server', ['-c', file], {
    env: { ...process.env, POD_NAME: node.name },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  node.child.stderr?.on('data', (chunk: Buffer) => {
    node.log += chunk.toString();
  });
};

const stop = (node: Node): Promise<void> =>
  new Promise((resolve) => {
    const child = node.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

beforeAll(async () => {
  const template = readRepoFile('infra/k8s/base/nats/nats.conf');
  const clusterPorts = [await freePort(), await freePort(), await freePort()];
  for (const i of [0, 1, 2]) {
    const node: Node = { name: `nats-${i}`, client: await freePort(), log: '' };
    const file = join(dir, `${node.name}.conf`);
    writeFileSync(file, localConfig(template, node, clusterPorts[i]!, clusterPorts, await freePort()));
    nodes.push(node);
    start(node, file);
  }
  for (const node of nodes) {
    await waitFor(`${node.name} listening`, () => node.log.includes('Server is ready'), {
      timeoutMs: 20_000,
    });
  }
  nc = await connect({ servers: nodes.map((n) => `nats://127.0.0.1:${n.client}`), name: 'cluster-test' });
}, 60_000);

afterAll(async () => {
  await nc?.close();
  await Promise.all(nodes.map(stop));
  rmSync(dir, { recursive: true, force: true });
});

describe('the Kubernetes NATS configuration', () => {
  it('forms a 3-server JetStream cluster that stores R3 streams and survives the loss of one server', async () => {
    // No API check yet: JetStream answers only once the cluster has elected its meta leader.
    const jsm = await jetstreamManager(nc!, { checkAPI: false });
    // The meta leader is elected once the routes are up: until then stream creation is refused.
    const info = await waitFor(
      'an R3 stream on the cluster',
      async () => {
        try {
          return await jsm.streams.add({ name: 'BOOKINGS', subjects: ['bookings.>'], num_replicas: 3 });
        } catch {
          return undefined;
        }
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}\n${nodes.map((n) => `--- ${n.name}\n${n.log.slice(-2000)}`).join('\n')}`,
      );
    });
    expect(info.config.num_replicas).toBe(3);
    expect(info.cluster?.name).toBe('express-quote');

    const js = jetstream(nc!);
    // Every server holds a current replica before one is taken away.
    await waitFor('three current replicas', async () => {
      const { cluster } = await jsm.streams.info('BOOKINGS');
      return cluster?.leader && cluster.replicas?.length === 2 && cluster.replicas.every((r) => r.current);
    });
    expect((await js.publish('bookings.booking.confirmed', 'one', { msgID: 'one' })).seq).toBe(1);

    // One server down: the two others keep the quorum, writes and reads go on.
    await stop(nodes[2]!);
    const ack = await waitFor(
      'a write with one server down',
      async () => {
        try {
          return await js.publish('bookings.booking.confirmed', 'two', { msgID: 'two' });
        } catch {
          return undefined;
        }
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(ack.seq).toBe(2);
    expect((await jsm.streams.info('BOOKINGS')).state.messages).toBe(2);
  }, 90_000);
});
