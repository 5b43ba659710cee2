import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One service of the system, started as its own process exactly as in production: `node services/<name>/src/main.ts`. */
export interface ServiceSpec {
  readonly name: string;
  readonly port: number;
  readonly env?: Readonly<Record<string, string>>;
}

export interface RunningService {
  readonly name: string;
  readonly url: string;
  readonly logFile: string;
  readonly process: ChildProcess;
}

export interface Stack {
  readonly services: ReadonlyMap<string, RunningService>;
  url(name: string): string;
  /** Sends a signal and waits for the exit (SIGKILL simulates a crash; SIGTERM a rolling deploy). */
  kill(name: string, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped service again with the same env and port and waits until it is ready. */
  restart(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Repository root (the folder holding services/). */
  readonly root: string;
  readonly services: readonly ServiceSpec[];
  /** Env shared by every service (NATS_URL, DATABASE_URL, NATS_NAMESPACE, secrets…). */
  readonly env: Readonly<Record<string, string>>;
  /** Where each service's log goes (`<logDir>/<name>.log`). */
  readonly logDir: string;
  readonly readyTimeoutMs?: number;
}

const tail = async (file: string, lines = 30): Promise<string> => {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
};

const waitReady = async (svc: RunningService, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (svc.process.exitCode !== null) {
      throw new Error(
        `${svc.name} exited with ${svc.process.exitCode} before it was ready:\n${await tail(svc.logFile)}`,
      );
    }
    try {
      const res = await fetch(`${svc.url}/readyz`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${svc.name} not ready after ${timeoutMs} ms (${last}):\n${await tail(svc.logFile)}`);
};

/** Starts every service as a child process, waits until each answers /readyz, and stops them all on `stop()`. */
export const startStack = async (options: StackOptions): Promise<Stack> => {
  await mkdir(options.logDir, { recursive: true });
  const running = new Map<string, RunningService>();
  const logs = new Map<string, WriteStream>();
  const timeout = options.readyTimeoutMs ?? 60_000;

  const launch = (spec: ServiceSpec): RunningService => {
    const logFile = join(options.logDir, `${spec.name}.log`);
    let log = logs.get(spec.name);
    if (!log) {
      log = createWriteStream(logFile, { flags: 'a' });
      logs.set(spec.name, log);
    }
    const child = spawn(process.execPath, [join(options.root, 'services', spec.name, 'src', 'main.ts')], {
      cwd: options.root,
      env: { ...process.env, ...options.env, ...spec.env, PORT: String(spec.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    const svc = { name: spec.name, url: `http://127.0.0.1:${spec.port}`, logFile, process: child };
    running.set(spec.name, svc);
    return svc;
  };

  const kill = async (name: string, signal: NodeJS.Signals = 'SIGTERM') => {
    const svc = running.get(name);
    if (!svc || svc.process.exitCode !== null || svc.process.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      svc.process.once('exit', () => resolve());
      svc.process.kill(signal);
    });
  };

  const stop = async () => {
    await Promise.all([...running.keys()].map((name) => kill(name, 'SIGTERM')));
    for (const log of logs.values()) log.end();
  };

  try {
    const started = options.services.map(launch);
    await Promise.all(started.map((svc) => waitReady(svc, timeout)));
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    services: running,
    url: (name) => {
      const svc = running.get(name);
      if (!svc) throw new Error(`service ${name} is not part of this stack`);
      return svc.url;
    },
    kill,
    async restart(name) {
      const spec = options.services.find((s) => s.name === name);
      if (!spec) throw new Error(`service ${name} is not part of this stack`);
      await kill(name, 'SIGTERM');
      await waitReady(launch(spec), timeout);
    },
    stop,
  };
};
