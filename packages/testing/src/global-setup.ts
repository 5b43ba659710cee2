/**
 * vitest globalSetup: gives the test run a NATS (JetStream) and a Postgres when none is configured.
 * - NATS_URL / DATABASE_URL set (as `make test` does from var/infra.env): nothing to do.
 * - otherwise, when a Docker engine answers: starts `nats:2.10 -js` and `postgres:16` with testcontainers for
 *   what is missing, exports their URLs to the workers (they inherit process.env; `inject('testInfra')` too),
 *   and removes the containers at the end of the run.
 * - otherwise: nothing; tests use the local servers (packages/testing/src/env.ts defaults).
 * testcontainers' own runtime detection can take seconds when there is no engine, so the Docker socket is
 * probed here first (well under a second).
 */
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export interface TestInfra {
  natsUrl: string | null;
  databaseUrl: string | null;
  /** Which URLs came from containers started for this run. */
  containers: Array<'nats' | 'postgres'>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testInfra: TestInfra;
  }
}

type Endpoint = { socketPath: string } | { host: string; port: number };

/** Where a Docker engine may listen: DOCKER_HOST, then the usual sockets (Linux, rootless, Desktop, Colima…). */
export const dockerEndpoints = (env: NodeJS.ProcessEnv = process.env): Endpoint[] => {
  const dockerHost = env.DOCKER_HOST;
  if (dockerHost) {
    if (dockerHost.startsWith('unix://')) return [{ socketPath: dockerHost.slice('unix://'.length) }];
    if (dockerHost.startsWith('tcp://')) {
      const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
      return [{ host: url.hostname, port: Number(url.port || 2375) }];
    }
    return [];
  }
  const home = homedir();
  const runtime = env.XDG_RUNTIME_DIR ?? (process.getuid ? `/run/user/${process.getuid()}` : undefined);
  return [
    '/var/run/docker.sock',
    runtime && join(runtime, 'docker.sock'),
    join(home, '.docker/run/docker.sock'),
    join(home, '.docker/desktop/docker.sock'),
    join(home, '.colima/default/docker.sock'),
    join(home, '.rd/docker.sock'),
    runtime && join(runtime, 'podman/podman.sock'),
  ]
    .filter((path): path is string => typeof path === 'string' && existsSync(path))
    .map((socketPath) => ({ socketPath }));
};

/** True when the endpoint answers the Docker API's `GET /_ping` with OK within `timeoutMs`. */
export const dockerAnswers = (endpoint: Endpoint, timeoutMs = 500): Promise<boolean> =>
  new Promise((resolve) => {
    const req = request({ ...endpoint, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve(res.statusCode === 200 && body.trim() === 'OK'));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });

export const findDockerEngine = async (
  env: NodeJS.ProcessEnv = process.env,
): Promise<Endpoint | undefined> => {
  for (const endpoint of dockerEndpoints(env)) if (await dockerAnswers(endpoint)) return endpoint;
  return undefined;
};

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const infra: TestInfra = {
    natsUrl: process.env.NATS_URL ?? null,
    databaseUrl: process.env.DATABASE_URL ?? null,
    containers: [],
  };
  const missing = !infra.natsUrl || !infra.databaseUrl;
  if (!missing || process.env.EQ_TESTCONTAINERS === '0' || !(await findDockerEngine())) {
    project.provide('testInfra', infra);
    return undefined;
  }

  const { GenericContainer, Wait } = await import('testcontainers');
  const started: Array<{ stop(): Promise<unknown> }> = [];
  const teardown = async () => {
    await Promise.allSettled(started.map((c) => c.stop()));
  };
  try {
    await Promise.all([
      infra.natsUrl
        ? undefined
        : new GenericContainer('nats:2.10-alpine')
            .withCommand(['-js'])
            .withExposedPorts(4222)
            .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
            .start()
            .then((c) => {
              started.push(c);
              infra.natsUrl = `nats://${c.getHost()}:${c.getMappedPort(4222)}`;
              infra.containers.push('nats');
            }),
      infra.databaseUrl
        ? undefined
        : new GenericContainer('postgres:16-alpine')
            .withEnvironment({ POSTGRES_PASSWORD: 'postgres' })
            .withExposedPorts(5432)
            // Test data is disposable: a tmpfs data directory spares the disk's fsyncs.
            .withTmpFs({ '/var/lib/postgresql/data': 'rw' })
            // The image starts a temporary server for its init scripts, then the real one: wait for the second.
            .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
            .start()
            .then((c) => {
              started.push(c);
              infra.databaseUrl = `postgres://postgres:postgres@${c.getHost()}:${c.getMappedPort(5432)}/postgres`;
              infra.containers.push('postgres');
            }),
    ]);
  } catch (error) {
    await teardown();
    throw error;
  }
  // Workers are forked after global setup and inherit this environment: env.ts needs no change.
  if (infra.natsUrl) process.env.NATS_URL = infra.natsUrl;
  if (infra.databaseUrl) process.env.DATABASE_URL = infra.databaseUrl;
  project.provide('testInfra', infra);
  return teardown;
}
