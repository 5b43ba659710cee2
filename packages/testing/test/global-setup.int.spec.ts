import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TestProject } from 'vitest/node';
import setup, {
  dockerAnswers,
  dockerEndpoints,
  findDockerEngine,
  type TestInfra,
} from '../src/global-setup.ts';

const dir = mkdtempSync(join(tmpdir(), 'eq-docker-'));
const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

/** A unix socket that answers the Docker API's ping like an engine would (or not). */
const fakeEngine = async (name: string, status: number, body: string): Promise<string> => {
  const socketPath = join(dir, name);
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/_ping' ? status : 404).end(req.url === '/_ping' ? body : '');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return socketPath;
};

const fakeProject = () => {
  const provided: Record<string, unknown> = {};
  const project = {
    provide: (key: string, value: unknown) => {
      provided[key] = value;
    },
  };
  return { project: project as unknown as TestProject, provided };
};

describe('Docker engine detection', () => {
  it('reads DOCKER_HOST (unix and tcp) before looking for sockets', () => {
    expect(dockerEndpoints({ DOCKER_HOST: 'unix:///run/custom.sock' })).toEqual([
      { socketPath: '/run/custom.sock' },
    ]);
    expect(dockerEndpoints({ DOCKER_HOST: 'tcp://10.0.0.5:2376' })).toEqual([
      { host: '10.0.0.5', port: 2376 },
    ]);
    expect(dockerEndpoints({ DOCKER_HOST: 'ssh://me@host' })).toEqual([]);
  });

  it('lists the usual sockets that exist, and only those', async () => {
    const runtime = mkdtempSync(join(dir, 'runtime-'));
    const engine = await fakeEngine(join(runtime.slice(dir.length + 1), 'docker.sock'), 200, 'OK');
    const endpoints = dockerEndpoints({ XDG_RUNTIME_DIR: runtime });
    expect(endpoints).toContainEqual({ socketPath: engine });
    expect(endpoints).not.toContainEqual({ socketPath: join(runtime, 'podman/podman.sock') });
  });

  it('recognises an engine by its ping answer', async () => {
    const engine = await fakeEngine('engine.sock', 200, 'OK');
    const broken = await fakeEngine('broken.sock', 500, 'daemon is starting');
    expect(await dockerAnswers({ socketPath: engine })).toBe(true);
    expect(await dockerAnswers({ socketPath: broken })).toBe(false);
    expect(await dockerAnswers({ socketPath: join(dir, 'absent.sock') })).toBe(false);
    expect(await findDockerEngine({ DOCKER_HOST: `unix://${engine}` })).toEqual({ socketPath: engine });
    expect(await findDockerEngine({ DOCKER_HOST: `unix://${broken}` })).toBeUndefined();
  });
});

describe('global setup', () => {
  const withEnv = async <T>(env: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> => {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    const apply = (values: Record<string, string | undefined>) => {
      for (const [k, v] of Object.entries(values)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    };
    apply(env);
    try {
      return await fn();
    } finally {
      apply(saved);
    }
  };

  it('does nothing but report the configured URLs when both are set', async () => {
    const { project, provided } = fakeProject();
    const teardown = await withEnv(
      { NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres' },
      () => setup(project),
    );
    expect(teardown).toBeUndefined();
    expect(provided.testInfra).toEqual({
      natsUrl: 'nats://127.0.0.1:4222',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
      containers: [],
    } satisfies TestInfra);
  });

  it('falls back to the local servers, starting nothing, when no engine answers', async () => {
    const broken = await fakeEngine('no-engine.sock', 500, 'no');
    const { project, provided } = fakeProject();
    const { teardown, natsUrl, databaseUrl } = await withEnv(
      { NATS_URL: undefined, DATABASE_URL: undefined, DOCKER_HOST: `unix://${broken}` },
      async () => ({
        teardown: await setup(project),
        natsUrl: process.env.NATS_URL,
        databaseUrl: process.env.DATABASE_URL,
      }),
    );
    expect(teardown).toBeUndefined();
    expect(provided.testInfra).toEqual({ natsUrl: null, databaseUrl: null, containers: [] });
    // Nothing exported: env.ts falls back to the machine's local servers.
    expect(natsUrl).toBeUndefined();
    expect(databaseUrl).toBeUndefined();
  });
});
