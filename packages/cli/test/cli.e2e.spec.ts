import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureContextStream } from '@express-quote/messaging';
import { createTestNats, type TestNats } from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
let nats: TestNats;
// Children still running when the file ends (a test that timed out) are killed: nothing is left behind.
const children = new Set<ReturnType<typeof spawn>>();

const run = (
  command: string,
  args: string[],
  env: Record<string, string> = {},
  onStderr?: (text: string, kill: (s: NodeJS.Signals) => void) => void,
) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => {
      stderr += c;
      onStderr?.(stderr, (s) => child.kill(s));
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });

beforeAll(async () => {
  nats = await createTestNats();
  await ensureContextStream(nats.jsm, nats.ns, 'notifications');
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await nats?.cleanup();
});

describe('the eq process', () => {
  it('runs from the repo root as `pnpm -s eq`', async () => {
    const help = await run(join(ROOT, '.tools', 'bin', 'pnpm'), ['-s', 'eq', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: eq <command>');
    const bad = await run(join(ROOT, '.tools', 'bin', 'pnpm'), ['-s', 'eq', 'trace']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('missing argument');
  });

  it('stops a --follow cleanly on Ctrl-C (SIGINT) and exits 0', async () => {
    const r = await run(
      process.execPath,
      ['packages/cli/src/main.ts', 'events', 'tail', 'NOTIFICATIONS', '--follow'],
      { NATS_URL: nats.url, NATS_NAMESPACE: nats.ns.prefix },
      (stderr, kill) => {
        if (stderr.includes('Ctrl-C to stop') && !stderr.includes('interrupted')) kill('SIGINT');
      },
    );
    expect(r.stderr).toContain('interrupted: finishing the current step');
    expect(r.code).toBe(0);
  });
});
