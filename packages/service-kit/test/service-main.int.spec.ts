import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./fixtures/service-main-helper.ts', import.meta.url));

interface Outcome {
  code: number | null;
  stderr: string;
  lines: Array<{ msg: string; [key: string]: unknown }>;
}

/** Starts the fixture; once it logs `<name>: started` sends SIGTERM (when asked), and resolves at exit. */
const runFixture = (env: Record<string, string>, signalOnceStarted: boolean): Promise<Outcome> =>
  new Promise((resolve) => {
    const clean = { ...process.env };
    for (const key of ['SERVICE_NAME', 'API_TOKEN', 'SHUTDOWN_TIMEOUT_MS', 'LOG_LEVEL']) delete clean[key];
    const child = spawn(process.execPath, [MAIN], {
      env: { ...clean, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let signalled = false;
    const parse = () =>
      out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      // Once only: a second signal while stopping means "exit now" to runService.
      if (signalOnceStarted && !signalled && parse().some((l) => String(l.msg).endsWith(': started'))) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.once('exit', (code) => resolve({ code, stderr: err, lines: parse() }));
  });

describe('runServiceMain', () => {
  it('names logger and registry after SERVICE_NAME and hands the parsed config to start', async () => {
    const outcome = await runFixture(
      { SERVICE_NAME: 'helper-blue', API_TOKEN: 'tok-1234', SHUTDOWN_TIMEOUT_MS: '5s' },
      true,
    );
    expect(outcome.code).toBe(0);
    const wired = outcome.lines.find((l) => l.msg === 'fixture: wired');
    expect(wired).toMatchObject({
      service: 'helper-blue',
      serviceName: 'helper-blue',
      registryLabel: 'helper-blue',
      shutdownTimeoutMs: 5_000,
      tokenLength: 8,
    });
    expect(outcome.lines.map((l) => l.msg)).toEqual([
      'fixture: wired',
      'helper-blue: started',
      'helper-blue: stopping',
      'helper-blue: stopped',
    ]);
  });

  it('defaults the name to the service folder', async () => {
    const outcome = await runFixture({ API_TOKEN: 'tok-1234' }, true);
    expect(outcome.code).toBe(0);
    expect(outcome.lines.find((l) => l.msg === 'fixture: wired')).toMatchObject({
      service: 'helper-fixture',
      registryLabel: 'helper-fixture',
      shutdownTimeoutMs: 10_000,
    });
  });

  it('bounds the stop by SHUTDOWN_TIMEOUT_MS from the config', async () => {
    const outcome = await runFixture(
      { API_TOKEN: 'tok-1234', SHUTDOWN_TIMEOUT_MS: '200ms', FIXTURE_MODE: 'slow-stop' },
      true,
    );
    expect(outcome.code).toBe(1);
    expect(outcome.lines.map((l) => l.msg)).toContain(
      'helper-fixture: graceful stop overran its budget; exiting',
    );
  });

  it('lists bad variables on stderr and exits 1 before anything starts', async () => {
    const outcome = await runFixture({ SHUTDOWN_TIMEOUT_MS: 'soon' }, false);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toBe(
      'helper-fixture: invalid configuration (2 variables):\n' +
        '  - SHUTDOWN_TIMEOUT_MS: must be a duration: milliseconds (1500) or a number with a unit (500ms, 30s, 5m, 1h)\n' +
        '  - API_TOKEN: required, not set\n',
    );
    expect(outcome.lines).toEqual([]);
  });
});
