import { PassThrough } from 'node:stream';
import { type Cause, createEvent, type Envelope, type EventDefinition } from '@express-quote/contracts';
import { createPublisher } from '@express-quote/messaging';
import type { TestNats } from '@express-quote/testing';
import type { z } from 'zod';
import { runCli } from '../src/cli.ts';

export interface EqRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON. */
  json<T = unknown>(): T;
}

export interface EqOptions {
  env?: Record<string, string | undefined>;
  /** Lines typed at a terminal prompt: stdin becomes a TTY that answers them. */
  answers?: string[];
  signal?: AbortSignal;
  /** Called with every stderr chunk (e.g. to interrupt a replay at its first progress line). */
  onStderr?(chunk: string): void;
  /** Called with every stdout chunk (e.g. to stop a --follow once it printed what was expected). */
  onStdout?(chunk: string): void;
}

/** Runs `eq <argv>` in-process with captured output, as a terminal user (or cron, without `answers`) would. */
export const eq = async (argv: string[], options: EqOptions = {}): Promise<EqRun> => {
  let stdout = '';
  let stderr = '';
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (options.answers) {
    stdin.isTTY = true;
    stdin.end(`${options.answers.join('\n')}\n`);
  } else {
    stdin.end();
  }
  const code = await runCli(argv, {
    stdout: {
      write: (t: string) => {
        stdout += t;
        options.onStdout?.(t);
      },
      isTTY: false,
    },
    stderr: {
      write: (t: string) => {
        stderr += t;
        options.onStderr?.(t);
      },
      isTTY: false,
    },
    stdin,
    env: options.env ?? {},
    signal: options.signal ?? new AbortController().signal,
  });
  return {
    code,
    stdout,
    stderr,
    json<T>() {
      return JSON.parse(stdout) as T;
    },
  };
};

/** The env a service would get: this test file's servers and namespace. */
export const envFor = (nats: TestNats, databaseUrl?: string): Record<string, string> => ({
  NATS_URL: nats.url,
  NATS_NAMESPACE: nats.ns.prefix,
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
});

export const publishAll = async (
  nats: TestNats,
  events: readonly Envelope[],
  subject?: (e: Envelope) => string | undefined,
) => {
  const publisher = createPublisher(nats.nc, nats.ns);
  const acks = [];
  for (const e of events) {
    const s = subject?.(e);
    acks.push(await publisher.publish(e, s ? { subject: s } : {}));
  }
  return acks;
};

export const event = <D extends EventDefinition>(
  def: D,
  data: z.input<D['schema']>,
  options: { cause: Cause; id?: string; occurredAt?: Date | string; streamId?: string },
) => createEvent(def, data, options);
