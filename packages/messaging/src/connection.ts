import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';

export interface ConnectNatsOptions {
  servers: string | string[];
  /** Client name shown by the server's monitoring pages, e.g. the service name. */
  name: string;
  logger: Logger;
  /** Base wait between reconnect attempts (default 1000 ms); `reconnectJitterMs` is added at random. */
  reconnectTimeWaitMs?: number;
  reconnectJitterMs?: number;
  /** Upper bound of the wait between first-connect attempts (default 5000 ms, doubling from 250 ms). */
  maxConnectRetryMs?: number;
  /** Aborts the wait for the first connection (shutdown requested before NATS ever answered). */
  signal?: AbortSignal;
}

/** Server URLs without user/password/token, safe to log. */
export const redactServers = (servers: string | string[]): string[] =>
  (Array.isArray(servers) ? servers : [servers]).map((s) => s.replace(/\/\/[^@/]*@/, '//***@'));

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Connects to NATS and stays connected: reconnects forever with jitter (a fleet restarting together must not hit
 * the server in lockstep), waits for the server on start-up instead of crashing (containers start in any order),
 * and logs every connection status change.
 */
export const connectNats = async (options: ConnectNatsOptions): Promise<NatsConnection> => {
  const { servers, name, logger, signal } = options;
  const where = redactServers(servers).join(', ');
  const maxRetry = options.maxConnectRetryMs ?? 5_000;
  let attempt = 0;
  let nc: NatsConnection | undefined;
  while (!nc) {
    attempt++;
    try {
      nc = await connect({
        servers,
        name,
        maxReconnectAttempts: -1,
        reconnectTimeWait: options.reconnectTimeWaitMs ?? 1_000,
        reconnectJitter: options.reconnectJitterMs ?? 500,
        reconnectJitterTLS: options.reconnectJitterMs ?? 1_000,
        timeout: 5_000,
        // nats.js otherwise builds two Error objects (stack captures) per request to enrich a possible timeout:
        // a tenth of a publish's CPU. Our wrappers name the subject and event instead.
        noAsyncTraces: true,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const waitMs = Math.min(maxRetry, 250 * 2 ** Math.min(attempt - 1, 10)) * (0.5 + Math.random() / 2);
      logger.warn(
        { servers: where, attempt, retryInMs: Math.round(waitMs), err: (error as Error).message },
        `waiting for NATS at ${where}`,
      );
      await sleep(waitMs, signal);
    }
  }
  logger.info({ servers: where, server: nc.getServer(), name, attempt }, 'connected to NATS');
  void logStatus(nc, logger);
  return nc;
};

const logStatus = async (nc: NatsConnection, logger: Logger) => {
  for await (const s of nc.status()) {
    switch (s.type) {
      case 'disconnect':
        logger.warn({ server: s.server }, 'NATS disconnected');
        break;
      case 'reconnecting':
        logger.debug('NATS reconnecting');
        break;
      case 'reconnect':
        logger.info({ server: s.server }, 'NATS reconnected');
        break;
      case 'ldm':
        logger.warn({ server: s.server }, 'NATS server entering lame duck mode');
        break;
      case 'error':
        logger.error({ err: s.error.message }, 'NATS error');
        break;
      case 'staleConnection':
        logger.warn('NATS connection stale, reconnecting');
        break;
      case 'slowConsumer':
        logger.warn({ subject: s.sub.getSubject(), pending: s.pending }, 'NATS slow consumer');
        break;
      case 'update':
        logger.debug({ added: s.added, deleted: s.deleted }, 'NATS cluster update');
        break;
      case 'close':
        logger.info('NATS connection closed');
        break;
      default:
        break;
    }
  }
};
