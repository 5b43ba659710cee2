import type { Logger } from 'pino';
import type { z } from 'zod';
import { ConfigError, type Env, loadConfig } from './config.ts';

/**
 * For a service's main before its logger exists (the logger's level comes from the config): returns the
 * config, or prints every bad variable to stderr as a readable list and exits 1.
 */
export const loadConfigOrExit = <S extends z.ZodObject>(
  name: string,
  schema: S,
  env: Env = process.env,
): z.output<S> => {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${name}: ${error.message}\n`);
    process.exit(1);
  }
};

export interface RunningService {
  /** Stops in order: HTTP first (no new work), then consumers (drain in-flight), then NATS and Postgres. */
  stop(): Promise<void>;
}

export interface RunServiceOptions {
  name: string;
  logger: Logger;
  /** Wires and starts everything; throws to abort start-up (a ConfigError is printed as a list). */
  start: () => Promise<RunningService>;
  /** Past this budget after SIGTERM/SIGINT the process exits with 1 even if stop() has not returned. */
  shutdownTimeoutMs?: number;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Runs a service until SIGTERM or SIGINT, then stops it once and exits: 0 after a clean stop, 1 when stop
 * fails or overruns its budget, 1 when start-up fails. A second signal while stopping exits 1 at once (an
 * operator pressing Ctrl-C twice wants out). An uncaught error stops the service too, with exit code 1.
 */
export const runService = async ({
  name,
  logger,
  start,
  shutdownTimeoutMs = 10_000,
}: RunServiceOptions): Promise<void> => {
  let stopping = false;
  let failed = false;
  let startup: Promise<RunningService | undefined> = Promise.resolve(undefined);

  const shutdown = async (reason: string): Promise<void> => {
    if (stopping) {
      logger.warn({ reason }, `${name}: stop requested again while stopping; exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.info({ reason }, `${name}: stopping`);
    setTimeout(() => {
      logger.error({ shutdownTimeoutMs }, `${name}: graceful stop overran its budget; exiting`);
      process.exit(1);
    }, shutdownTimeoutMs);
    try {
      // A signal during start-up waits for it: what was half-opened gets closed in order too.
      const running = await startup;
      await running?.stop();
      logger.info(`${name}: stopped`);
      process.exit(failed ? 1 : 0);
    } catch (error) {
      logger.error({ err: error }, `${name}: stop failed`);
      process.exit(1);
    }
  };

  for (const signal of SIGNALS) process.on(signal, () => void shutdown(signal));
  process.on('uncaughtException', (error) => {
    failed = true;
    logger.fatal({ err: error }, `${name}: uncaught exception`);
    void shutdown('uncaughtException');
  });
  process.on('unhandledRejection', (error) => {
    failed = true;
    logger.fatal({ err: error }, `${name}: unhandled promise rejection`);
    void shutdown('unhandledRejection');
  });

  startup = start().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      logger.fatal({ problems: error.problems }, `${name}: invalid configuration`);
      // Also as plain lines on stderr: the first thing an operator reads when a container will not start.
      process.stderr.write(`${name}: ${error.message}\n`);
    } else {
      logger.fatal({ err: error }, `${name}: start-up failed`);
    }
    process.exit(1);
  });
  if ((await startup) && !stopping) logger.info(`${name}: started`);
};
