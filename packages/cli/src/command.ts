import type { Kysely } from 'kysely';
import type { Connections } from './connections.ts';
import type { Io, Output } from './io.ts';

/** Bad arguments or configuration: the message and the command's usage go to stderr, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly usage: string | undefined;
  constructor(message: string, usage?: string) {
    super(message);
    this.usage = usage;
  }
}

/** The operation could not be done (server refused, nothing to redrive…): the message goes to stderr, exit 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export interface Context {
  readonly io: Io;
  /** stdout, with personal data masked unless --reveal was given. */
  readonly out: Output;
  /** stderr (progress, warnings, prompts), masked the same way. */
  readonly err: Output;
  /** Connections opened on first use and closed when the command ends. */
  readonly connections: Connections;
  /** NATS_NAMESPACE or --namespace. */
  readonly namespace: string;
  // biome-ignore lint/suspicious/noExplicitAny: the CLI reads several services' schemas
  db(): Promise<Kysely<any>>;
}

export interface Command {
  /** Words that select the command, e.g. ['events', 'tail']. */
  readonly path: readonly string[];
  readonly summary: string;
  /** Full help text (synopsis, options, examples). */
  readonly usage: string;
  /** Returns the process exit code. */
  run(args: string[], ctx: Context): Promise<number>;
}
