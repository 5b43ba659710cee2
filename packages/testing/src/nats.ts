import { type Namespace, namespaced } from '@express-quote/contracts';
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { testNatsUrl, uniqueToken } from './env.ts';

export interface TestNats {
  readonly url: string;
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** A namespace of its own: streams `T…_BOOKINGS`, subjects `t….bookings.>`, buckets `t…_documents`. */
  readonly ns: Namespace;
  /** Deletes the streams, object stores and KV buckets of this namespace (never anything else), then closes. */
  cleanup(): Promise<void>;
}

/** Names of every stream that belongs to a namespace, including the ones behind its buckets. */
export const namespaceStreams = async (jsm: JetStreamManager, ns: Namespace): Promise<string[]> => {
  const upper = `${ns.prefix.toUpperCase()}_`;
  const owned = (name: string) =>
    name.startsWith(upper) || name.startsWith(`OBJ_${ns.prefix}_`) || name.startsWith(`KV_${ns.prefix}_`);
  const names: string[] = [];
  for await (const name of jsm.streams.names()) if (owned(name)) names.push(name);
  return names;
};

export const createTestNats = async (url = testNatsUrl()): Promise<TestNats> => {
  const nc = await connect({ servers: url, name: 'test' });
  const jsm = await jetstreamManager(nc);
  const ns = namespaced(uniqueToken('t'));
  return {
    url,
    nc,
    js: jetstream(nc),
    jsm,
    ns,
    async cleanup() {
      if (nc.isClosed()) return;
      for (const name of await namespaceStreams(jsm, ns)) await jsm.streams.delete(name);
      await nc.close();
    },
  };
};
