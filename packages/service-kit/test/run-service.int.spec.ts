import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./fixtures/service-main.ts', import.meta.url));

interface Run {
  child: ChildProcess;
  lines: () => Array<{ msg: string; level: string; [key: string]: unknown }>;
  stderr: () => string;
  waitForLog: (msg: string) => Promise<void>;
  exit: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

const run = (mode: string, env: Record<string, string> = {}): Run => {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, FIXTURE_MODE: mode, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout?.on('data', (chunk) => {
    out += chunk;
    for (const w of waiters) w();
  });
  child.stderr?.on('data', (chunk) => {
    err += chunk;
  });
  const lines = () =>
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  return {
    child,
    lines,
    stderr: () => err,
    waitForLog: (msg) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (lines().some((l) => l.msg === msg)) resolve();
        };
        waiters.push(check);
        child.once('exit', () =>
          lines().some((l) => l.msg === msg) ? resolve() : reject(new Error(`exited before "${msg}"`)),
        );
        check();
      }),
    exit: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
};

describe('runService', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('stops once on %s and exits 0', async (signal) => {
    const service = run('clean');
    await service.waitForLog('fixture: started');
    service.child.kill(signal);
    expect(await service.exit).toBe(0);
    const messages = service.lines().map((l) => l.msg);
    expect(messages).toEqual([
      'fixture: started',
      'fixture: stopping',
      'fixture: closing resources',
      'fixture: stopped',
    ]);
    expect(service.lines()[1]).toMatchObject({ reason: signal });
  });

  it('exits 1 when stop overruns the shutdown budget', async () => {
    const service = run('slow-stop', { FIXTURE_SHUTDOWN_MS: '300' });
    await service.waitForLog('fixture: started');
    service.child.kill('SIGTERM');
    expect(await service.exit).toBe(1);
    expect(service.lines().map((l) => l.msg)).toContain('fixture: graceful stop overran its budget; exiting');
  });

  it('exits 1 at once on a second signal while stopping', async () => {
    const service = run('slow-stop', { FIXTURE_SHUTDOWN_MS: '60000' });
    await service.waitForLog('fixture: started');
    service.child.kill('SIGTERM');
    await service.waitForLog('fixture: closing resources');
    service.child.kill('SIGINT');
    expect(await service.exit).toBe(1);
    expect(service.lines().map((l) => l.msg)).toContain(
      'fixture: stop requested again while stopping; exiting now',
    );
  });

  it('exits 1 when stop fails', async () => {
    const service = run('failing-stop');
    await service.waitForLog('fixture: started');
    service.child.kill('SIGTERM');
    expect(await service.exit).toBe(1);
    const failure = service.lines().find((l) => l.msg === 'fixture: stop failed');
    expect(failure?.err).toMatchObject({ message: 'drain failed' });
  });

  it('prints an invalid configuration as a readable list and exits 1', async () => {
    const service = run('config-error');
    expect(await service.exit).toBe(1);
    expect(service.stderr()).toBe(
      'fixture: invalid configuration (2 variables):\n' +
        '  - NATS_URL: item 1: must be a URL (nats://, tls://, ws://, wss://)\n' +
        '  - API_TOKEN: required, not set\n',
    );
    const fatal = service.lines().find((l) => l.msg === 'fixture: invalid configuration');
    expect(fatal).toMatchObject({ level: 'fatal', problems: [{ name: 'NATS_URL' }, { name: 'API_TOKEN' }] });
    expect(service.lines().map((l) => l.msg)).not.toContain('fixture: started');
  });

  it('loadConfigOrExit prints the bad variables before any logger exists and exits 1', async () => {
    const service = run('config-exit');
    expect(await service.exit).toBe(1);
    expect(service.stderr()).toBe(
      'fixture: invalid configuration (1 variable):\n  - NATS_URL: required, not set\n',
    );
    expect(service.stderr()).not.toContain('tok-123');
    expect(service.lines()).toEqual([]);
  });

  it('logs a start-up failure (masked) and exits 1', async () => {
    const service = run('start-failure');
    expect(await service.exit).toBe(1);
    const fatal = service.lines().find((l) => l.msg === 'fixture: start-up failed');
    expect(fatal?.err).toMatchObject({ message: 'cannot reach customer j***@example.fr' });
  });

  it('stops gracefully and exits 1 after an unhandled rejection', async () => {
    const service = run('crash');
    expect(await service.exit).toBe(1);
    const messages = service.lines().map((l) => l.msg);
    expect(messages).toContain('fixture: unhandled promise rejection');
    expect(messages).toContain('fixture: closing resources');
  });
});
