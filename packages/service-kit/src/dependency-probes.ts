import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';

/**
 * One-shot probes of a NATS or Postgres URL, for launchers and start-up scripts that must know a server is
 * *really* usable (JetStream enabled, database reachable), not merely that a port is open.
 */

export interface NatsProbe {
  serverVersion: string;
  streams: number;
}

export const probeNats = async (url: string, timeoutMs = 2_000): Promise<NatsProbe> => {
  const nc = await connect({ servers: url, timeout: timeoutMs, reconnect: false, name: 'probe' });
  try {
    const jsm = await jetstreamManager(nc, { timeout: timeoutMs });
    const account = await jsm.getAccountInfo();
    return { serverVersion: nc.info?.version ?? 'unknown', streams: account.streams };
  } finally {
    await nc.close();
  }
};

export interface PostgresProbe {
  serverVersion: string;
  database: string;
}

export const probePostgres = async (url: string, timeoutMs = 2_000): Promise<PostgresProbe> => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string; database: string }>(
      `select current_setting('server_version') as version, current_database() as database`,
    );
    return { serverVersion: rows[0]?.version ?? 'unknown', database: rows[0]?.database ?? 'unknown' };
  } finally {
    await client.end();
  }
};

/**
 * Creates the database named in `url` when it does not exist, connecting to the server's `postgres`
 * database to do so. Returns true when it was created.
 */
export const ensureDatabase = async (url: string, timeoutMs = 2_000): Promise<boolean> => {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name || name === 'postgres') return false;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: timeoutMs });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount) return false;
    // Identifiers cannot be bound parameters; escapeIdentifier quotes it safely.
    await client.query(`create database ${client.escapeIdentifier(name)}`);
    return true;
  } catch (error) {
    // Two launchers racing: the other one created it first.
    if ((error as { code?: string }).code === '42P04') return false;
    throw error;
  } finally {
    await client.end();
  }
};
