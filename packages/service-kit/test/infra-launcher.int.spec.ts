/**
 * infra/up.sh and infra/down.sh (the launcher behind `make up` / `make down`), run for real against this
 * machine's servers. Each test uses its own var directory (EQ_VAR_DIR) and, when it needs a NATS of its own,
 * its own port, so it never touches var/infra.env or the machine's servers.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDatabaseUrl, testNatsUrl } from '@express-quote/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { probeNats } from '../src/index.ts';
import { freePort, startPlainNatsServer } from './support/plain-nats-server.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const varDirs: string[] = [];

const newVarDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'eq-infra-'));
  varDirs.push(dir);
  return dir;
};

// Asynchronous on purpose: some tests serve a fake dependency from this process while the script runs.
const script = (
  name: 'up' | 'down',
  varDir: string,
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; out: string; err: string }> => {
  const base: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && key !== 'NATS_URL' && key !== 'DATABASE_URL') base[key] = value;
  }
  for (const [key, value] of Object.entries(env)) if (value !== undefined) base[key] = value;
  const child = spawn('bash', [join(ROOT, 'infra', `${name}.sh`)], {
    cwd: ROOT,
    env: { EQ_INFRA_DOCKER: '0', ...base, EQ_VAR_DIR: varDir, EQ_READY_TIMEOUT_S: '3' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr.on('data', (chunk) => {
    err += chunk;
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err })));
};

const envFile = (varDir: string) => readFileSync(join(varDir, 'infra.env'), 'utf8');
const pidOf = (varDir: string) => Number(readFileSync(join(varDir, 'nats.pid'), 'utf8'));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterAll(async () => {
  for (const dir of varDirs) {
    // A failed test must not leave a nats-server behind.
    if (existsSync(join(dir, 'nats.pid'))) await script('down', dir, {});
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * A `docker` CLI stand-in: `docker info` succeeds (an engine "answers"), `compose port <service> <port>` prints
 * the host port given in FAKE_PORTS (as a running container would), and every call is logged.
 */
const fakeDocker = (dir: string): string => {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'docker'),
    `#!/usr/bin/env bash
echo "docker $*" >> "$FAKE_DOCKER_LOG"
case "$*" in
  info*|"compose version"*) exit 0 ;;
  *" port "*)
    set -- $*
    for mapping in $FAKE_PORTS; do
      [ "\${mapping%%=*}" = "\${@: -2:1}\${@: -1}" ] && echo "127.0.0.1:\${mapping#*=}" && exit 0
    done
    exit 1 ;;
  *) exit 0 ;;
esac
`,
  );
  chmodSync(join(bin, 'docker'), 0o755);
  return bin;
};

/** Something that greets like an SMTP server, standing in for the compose mail sink. */
const fakeSmtp = async (): Promise<{ port: number; server: Server }> => {
  const server = createServer((socket) => socket.end('220 fake ESMTP\r\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return { port: address.port, server };
};

describe('infra/up.sh', () => {
  it('uses NATS_URL and DATABASE_URL from the environment and writes them to infra.env', async () => {
    const varDir = newVarDir();
    const up = await script('up', varDir, { NATS_URL: testNatsUrl(), DATABASE_URL: testDatabaseUrl() });
    expect(up.err).toBe('');
    expect(up.code).toBe(0);
    expect(up.out).toContain(`infra: NATS:     ${testNatsUrl()} (from NATS_URL)`);
    expect(up.out).toMatch(/infra: NATS ready at .*JetStream enabled/);
    expect(up.out).toMatch(/infra: Postgres ready at /);
    expect(envFile(varDir)).toContain(`NATS_URL='${testNatsUrl()}'\nDATABASE_URL='${testDatabaseUrl()}'\n`);
    expect(existsSync(join(varDir, 'nats.pid'))).toBe(false);

    const down = await script('down', varDir, {});
    expect(down.code).toBe(0);
    expect(down.out).toContain('nothing to stop');
    expect(existsSync(join(varDir, 'infra.env'))).toBe(false);
  });

  it('fails clearly, naming NATS and how to fix it, when NATS_URL points to a dead port', async () => {
    const varDir = newVarDir();
    const dead = `nats://127.0.0.1:${await freePort()}`;
    const up = await script('up', varDir, { NATS_URL: dead, DATABASE_URL: testDatabaseUrl() });
    expect(up.code).toBe(1);
    expect(up.err).toContain(`infra: NATS is not ready after 3 s at ${dead}`);
    expect(up.err).toContain('last error: connection refused');
    expect(up.err).toContain(`how to fix: NATS_URL is set to ${dead}: start that server`);
    expect(up.err).not.toContain('Postgres is not ready');
    expect(existsSync(join(varDir, 'infra.env'))).toBe(false);
  });

  it('refuses a NATS that answers without JetStream', async () => {
    const varDir = newVarDir();
    const plain = await startPlainNatsServer();
    try {
      const up = await script('up', varDir, {
        EQ_NATS_PORT: String(plain.port),
        DATABASE_URL: testDatabaseUrl(),
      });
      expect(up.code).toBe(1);
      expect(up.out).toContain(`reused: a server already answers on 127.0.0.1:${plain.port}`);
      expect(up.err).toMatch(/NATS is not ready after 3 s[\s\S]*jetstream/i);
      expect(up.err).toContain('restart it with -js');
    } finally {
      await plain.stop();
    }
  });

  it('starts nats-server when nothing answers, reuses it on a second run, and down.sh stops only it', async () => {
    const varDir = newVarDir();
    const port = await freePort();
    const url = `nats://127.0.0.1:${port}`;
    const up = await script('up', varDir, { EQ_NATS_PORT: String(port), DATABASE_URL: testDatabaseUrl() });
    expect(up.code).toBe(0);
    expect(up.out).toContain('nats-server started from PATH');
    expect(envFile(varDir)).toContain(`NATS_URL='${url}'`);
    const pid = pidOf(varDir);
    expect(alive(pid)).toBe(true);
    expect((await probeNats(url)).serverVersion).toMatch(/^\d/);

    const again = await script('up', varDir, { EQ_NATS_PORT: String(port), DATABASE_URL: testDatabaseUrl() });
    expect(again.code).toBe(0);
    expect(again.out).toContain(`nats-server started earlier by make up (pid ${pid})`);
    expect(pidOf(varDir)).toBe(pid);

    const down = await script('down', varDir, {});
    expect(down.code).toBe(0);
    expect(down.out).toContain(`stopped nats-server (pid ${pid})`);
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(varDir, 'nats.pid'))).toBe(false);
    // The machine's own server is still there.
    expect((await probeNats(testNatsUrl())).serverVersion).toMatch(/^\d/);
  });

  it('with a Docker engine, brings up the missing compose services and writes their URLs and the mail sink', async () => {
    const varDir = newVarDir();
    const bin = fakeDocker(varDir);
    const log = join(varDir, 'docker.log');
    const smtp = await fakeSmtp();
    // The "containers" publish on the machine's servers, so the readiness wait really succeeds.
    const natsPort = new URL(testNatsUrl()).port || '4222';
    const pgPort = new URL(testDatabaseUrl()).port || '5432';
    try {
      const up = await script('up', varDir, {
        EQ_INFRA_DOCKER: 'auto',
        PATH: `${bin}:${process.env.PATH}`,
        FAKE_DOCKER_LOG: log,
        FAKE_PORTS: `nats4222=${natsPort} postgres5432=${pgPort} mailpit1025=${smtp.port} mailpit8025=18999`,
      });
      expect(up.err).toBe('');
      expect(up.code).toBe(0);
      expect(up.out).toContain('infra: Docker engine found: docker compose up -d mailpit nats postgres');
      expect(up.out).toContain(`infra: NATS:     nats://127.0.0.1:${natsPort} (docker compose service nats)`);
      expect(up.out).toContain(`postgres://postgres:***@127.0.0.1:${pgPort}/express_quote`);
      expect(up.out).toContain('infra: SMTP sink ready');
      expect(envFile(varDir)).toContain(
        [
          `NATS_URL='nats://127.0.0.1:${natsPort}'`,
          `DATABASE_URL='postgres://postgres:postgres@127.0.0.1:${pgPort}/express_quote'`,
          `MAIL_SMTP_HOST='127.0.0.1'`,
          `MAIL_SMTP_PORT='${smtp.port}'`,
          `MAIL_WEB_URL='http://127.0.0.1:18999'`,
        ].join('\n'),
      );
      expect(readFileSync(log, 'utf8')).toContain(
        `docker compose -f ${join(ROOT, 'docker-compose.yml')} up -d mailpit nats postgres`,
      );

      const down = await script('down', varDir, { PATH: `${bin}:${process.env.PATH}`, FAKE_DOCKER_LOG: log });
      expect(down.code).toBe(0);
      expect(readFileSync(log, 'utf8').trim().split('\n').at(-1)).toBe(
        `docker compose -f ${join(ROOT, 'docker-compose.yml')} down`,
      );
    } finally {
      smtp.server.close();
    }
  });
});
