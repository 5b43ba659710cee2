#!/usr/bin/env node
// The engineers' CLI: `pnpm -s eq <command>` from the repo root, or `node packages/cli/src/main.ts <command>`.
import { runCli } from './cli.ts';
import { processIo } from './io.ts';

const stop = new AbortController();
let interrupted = 0;
process.on('SIGINT', () => {
  interrupted++;
  // First Ctrl-C: stop cleanly (a replay commits its batch and checkpoint). Second: leave now.
  if (interrupted > 1) process.exit(130);
  process.stderr.write('\ninterrupted: finishing the current step (Ctrl-C again to quit at once)\n');
  stop.abort();
});

process.exitCode = await runCli(process.argv.slice(2), processIo(stop.signal));
