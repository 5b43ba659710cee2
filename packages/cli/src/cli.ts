import { CliError, type Command, type Context, UsageError } from './command.ts';
import { consumersStatusCommand } from './commands/consumers-status.ts';
import { dlqCommands } from './commands/dlq.ts';
import { eventsTailCommand } from './commands/events-tail.ts';
import { eventstoreReadCommand } from './commands/eventstore-read.ts';
import { projectionsCommands } from './commands/projections.ts';
import { replayCommand } from './commands/replay.ts';
import { stripeSimulateCommand } from './commands/stripe-simulate.ts';
import { traceCommand } from './commands/trace.ts';
import { readConfig } from './config.ts';
import { createConnections } from './connections.ts';
import { createOutput, type Io } from './io.ts';

export const COMMANDS: readonly Command[] = [
  traceCommand,
  eventsTailCommand,
  eventstoreReadCommand,
  replayCommand,
  ...projectionsCommands,
  ...dlqCommands,
  consumersStatusCommand,
  stripeSimulateCommand,
];

export const globalUsage = (): string => {
  const width = Math.max(...COMMANDS.map((c) => c.path.join(' ').length));
  return [
    'usage: eq <command> [options]        (from the repo root: pnpm -s eq <command> …)',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'Environment: NATS_URL, DATABASE_URL, NATS_NAMESPACE (as the services); `eq <command> --help` for details.',
    'Exit codes: 0 ok, 1 failed or found a problem, 2 bad arguments or configuration.',
  ].join('\n');
};

/** Picks the command whose words start `argv` (longest match first). */
const findCommand = (argv: readonly string[]): { command: Command; rest: string[] } | null => {
  const sorted = [...COMMANDS].sort((a, b) => b.path.length - a.path.length);
  for (const command of sorted) {
    if (command.path.every((word, i) => argv[i] === word))
      return { command, rest: argv.slice(command.path.length) };
  }
  return null;
};

/** Runs one command line; returns the exit code. Never throws: every error becomes a message and a code. */
export const runCli = async (argv: readonly string[], io: Io): Promise<number> => {
  const reveal = argv.includes('--reveal');
  const out = createOutput(io.stdout, reveal);
  const err = createOutput(io.stderr, reveal);
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    (argv.length === 0 ? err : out).line(globalUsage());
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    const group = COMMANDS.filter((c) => c.path[0] === argv[0]);
    if (group.length > 0) {
      err.line(`error: unknown ${argv[0]} subcommand${argv[1] ? ` "${argv[1]}"` : ''}`);
      err.line();
      err.line(`usage: ${group.map((c) => `eq ${c.path.join(' ')}`).join(' | ')} (each with --help)`);
    } else {
      err.line(`error: unknown command "${argv[0]}"`);
      err.line();
      err.line(globalUsage());
    }
    return 2;
  }
  const { command, rest } = found;
  let connections: ReturnType<typeof createConnections> | undefined;
  try {
    const namespaceIndex = rest.indexOf('--namespace');
    const namespaceFlag =
      namespaceIndex >= 0
        ? rest[namespaceIndex + 1]
        : rest.find((a) => a.startsWith('--namespace='))?.slice(12);
    const config = readConfig(io.env, namespaceFlag);
    connections = createConnections(config);
    const ctx: Context = {
      io,
      out,
      err,
      connections,
      namespace: config.namespace,
      db: () => connections!.db(),
    };
    return await command.run(rest, ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      err.line(`error: ${error.message}`);
      if (error.usage) {
        err.line();
        err.line(error.usage);
      }
      return 2;
    }
    if (error instanceof CliError) {
      err.line(`error: ${error.message}`);
      return 1;
    }
    err.line(`error: ${(error as Error)?.message ?? String(error)}`);
    return 1;
  } finally {
    await connections?.close();
  }
};
