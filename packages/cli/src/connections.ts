import { type Namespace, namespaced } from '@express-quote/contracts';
import { redactServers } from '@express-quote/messaging';
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { CliError } from './command.ts';
import { type CliConfig, requireDatabaseUrl, requireNatsUrl } from './config.ts';

export interface NatsHandles {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  ns: Namespace;
}

export interface Connections {
  nats(): Promise<NatsHandles>;
  // biome-ignore lint/suspicious/noExplicitAny: the CLI reads several services' schemas
  db(): Promise<Kysely<any>>;
  /** The Postgres connection string, for readers that open a session of their own. */
  databaseUrl(): string;
  close(): Promise<void>;
}

/** Postgres URL without its password, safe to print. */
export const redactDatabaseUrl = (url: string): string => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

/**
 * Opens NATS and Postgres on first use. Unlike a service, a CLI fails fast when a server does not answer: the
 * engineer wants to know now, not watch a retry loop.
 */
export const createConnections = (config: CliConfig): Connections => {
  let nats: Promise<NatsHandles> | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: see Connections
  let db: Kysely<any> | undefined;
  const openNats = async (): Promise<NatsHandles> => {
    const servers = requireNatsUrl(config)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    let nc: NatsConnection;
    try {
      nc = await connect({ servers, name: 'eq-cli', timeout: 5_000, maxReconnectAttempts: 3 });
    } catch (error) {
      throw new CliError(
        `cannot connect to NATS at ${redactServers(servers).join(', ')}: ${(error as Error).message}`,
      );
    }
    try {
      const jsm = await jetstreamManager(nc);
      return { nc, jsm, js: jetstream(nc), ns: namespaced(config.namespace) };
    } catch (error) {
      await nc.close();
      throw new CliError(
        `NATS at ${redactServers(servers).join(', ')} has no JetStream: ${(error as Error).message}`,
      );
    }
  };
  return {
    nats() {
      nats ??= openNats();
      return nats;
    },
    async db() {
      if (db) return db;
      const url = requireDatabaseUrl(config);
      const pool = new pg.Pool({
        connectionString: url,
        max: 4,
        application_name: 'eq-cli',
        connectionTimeoutMillis: 5_000,
      });
      // A session killed under us (admin, failover) must end the command with an error, not crash it.
      pool.on('error', () => {});
      pool.on('connect', (client) => client.on('error', () => {}));
      try {
        const client = await pool.connect();
        client.release();
      } catch (error) {
        await pool.end().catch(() => {});
        throw new CliError(
          `cannot connect to Postgres at ${redactDatabaseUrl(url)}: ${(error as Error).message}`,
        );
      }
      db = new Kysely({ dialect: new PostgresDialect({ pool }) });
      return db;
    },
    databaseUrl: () => requireDatabaseUrl(config),
    async close() {
      const pending = nats;
      nats = undefined;
      if (pending) {
        const handles = await pending.catch(() => undefined);
        if (handles && !handles.nc.isClosed()) await handles.nc.close().catch(() => {});
      }
      if (db) {
        const d = db;
        db = undefined;
        await d.destroy().catch(() => {});
      }
    },
  };
};
