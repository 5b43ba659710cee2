/**
 * infra/up.sh and infra/down.sh (the launcher behind `make up` / `make down`), run for real against this
 * machine's servers. Each test uses its own var directory (EQ_VAR_DIR) and, when it needs a NATS of its own,
 * its own port, so it never touches var/infra.env or the machine's servers.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

const script = (name: 'up' | 'down', varDir: string, env: Record<string, string | undefined>) => {
  const base: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && key !== 'NATS_URL' && key !== 'DATABASE_URL') base[key] = value;
  }
  for (const [key, value] of Object.entries(env)) if (value !== undefined) base[key] = value;
  const result = spawnSync('bash', [join(ROOT, 'infra', `${name}.sh`)], {
    cwd: ROOT,
    env: { ...base, EQ_VAR_DIR: varDir, EQ_INFRA_DOCKER: '0', EQ_READY_TIMEOUT_S: '3' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
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

afterAll(() => {
  for (const dir of varDirs) {
    // A failed test must not leave a nats-server behind.
    if (existsSync(join(dir, 'nats.pid'))) script('down', dir, {});
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('infra/up.sh', () => {
  it('uses NATS_URL and DATABASE_URL from the environment and writes them to infra.env', () => {
    const varDir = newVarDir();
    const up = script('up', varDir, { NATS_URL: testNatsUrl(), DATABASE_URL: testDatabaseUrl() });
    expect(up.err).toBe('');
    expect(up.code).toBe(0);
    expect(up.out).toContain(`infra: NATS:     ${testNatsUrl()} (from NATS_URL)`);
    expect(up.out).toMatch(/infra: NATS ready at .*JetStream enabled/);
    expect(up.out).toMatch(/infra: Postgres ready at /);
    expect(envFile(varDir)).toContain(`NATS_URL='${testNatsUrl()}'\nDATABASE_URL='${testDatabaseUrl()}'\n`);
    expect(existsSync(join(varDir, 'nats.pid'))).toBe(false);

    const down = script('down', varDir, {});
    expect(down.code).toBe(0);
    expect(down.out).toContain('nothing to stop');
    expect(existsSync(join(varDir, 'infra.env'))).toBe(false);
  });

  it('fails clearly, naming NATS and how to fix it, when NATS_URL points to a dead port', async () => {
    const varDir = newVarDir();
    const dead = `nats://127.0.0.1:${await freePort()}`;
    const up = script('up', varDir, { NATS_URL: dead, DATABASE_URL: testDatabaseUrl() });
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
      const up = script('up', varDir, { EQ_NATS_PORT: String(plain.port), DATABASE_URL: testDatabaseUrl() });
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
    const up = script('up', varDir, { EQ_NATS_PORT: String(port), DATABASE_URL: testDatabaseUrl() });
    expect(up.code).toBe(0);
    expect(up.out).toContain('nats-server started from PATH');
    expect(envFile(varDir)).toContain(`NATS_URL='${url}'`);
    const pid = pidOf(varDir);
    expect(alive(pid)).toBe(true);
    expect((await probeNats(url)).serverVersion).toMatch(/^\d/);

    const again = script('up', varDir, { EQ_NATS_PORT: String(port), DATABASE_URL: testDatabaseUrl() });
    expect(again.code).toBe(0);
    expect(again.out).toContain(`nats-server started earlier by make up (pid ${pid})`);
    expect(pidOf(varDir)).toBe(pid);

    const down = script('down', varDir, {});
    expect(down.code).toBe(0);
    expect(down.out).toContain(`stopped nats-server (pid ${pid})`);
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(varDir, 'nats.pid'))).toBe(false);
    // The machine's own server is still there.
    expect((await probeNats(testNatsUrl())).serverVersion).toMatch(/^\d/);
  });
});
