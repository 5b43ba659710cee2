import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { type Kysely, sql } from 'kysely';
import type { ReadinessCheck } from './http-app.ts';

/**
 * Ready when the connection is open, the server answers a round trip and JetStream answers for the account
 * (a server restarted without `-js`, or a JetStream that lost its quorum, fails here and not only later).
 */
export const natsReadiness = (nc: NatsConnection): ReadinessCheck => {
  let jsm: JetStreamManager | undefined;
  return async () => {
    if (nc.isClosed()) throw new Error('NATS connection is closed');
    if (nc.isDraining()) throw new Error('NATS connection is draining');
    await nc.flush();
    jsm ??= await jetstreamManager(nc, { checkAPI: false });
    await jsm.getAccountInfo();
  };
};

/** Ready when the pool hands out a connection that answers `select 1`. */
// biome-ignore lint/suspicious/noExplicitAny: works with any service's typed schema
export const pgReadiness = (db: Kysely<any>): ReadinessCheck => {
  return async () => {
    await sql`select 1`.execute(db);
  };
};
