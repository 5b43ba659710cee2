import type { AddressInfo } from 'node:net';
import fastify, { type FastifyInstance } from 'fastify';
import type { ProviderFaults } from './sms-faults.ts';
import type { SmsProviderKind, SmsStore } from './sms-store.ts';

export interface EmulatorServer {
  readonly app: FastifyInstance;
  readonly host: string;
  readonly port: number;
  /** e.g. http://127.0.0.1:41234: what the client's base URL is set to. */
  readonly url: string;
  close(): Promise<void>;
}

/** Every emulated request is counted here, accepted or not (a test asserts "no provider call" with it). */
export interface RequestCounter {
  readonly requests: number;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Fastify app that understands JSON and form bodies and lists what it captured at GET /_sink/messages. */
export const createEmulatorApp = (
  store: SmsStore,
  provider: SmsProviderKind,
  faults: ProviderFaults,
): FastifyInstance => {
  const app = fastify({ logger: false, bodyLimit: 20 * 1024 * 1024 });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );
  app.get('/_sink/messages', async () => ({ messages: store.list({ provider }) }));
  app.get('/_sink/faults', async () => faults.snapshot());
  return app;
};

export const listenEmulator = async (
  app: FastifyInstance,
  host = '127.0.0.1',
  port = 0,
): Promise<EmulatorServer> => {
  await app.listen({ host, port });
  const bound = (app.server.address() as AddressInfo).port;
  return {
    app,
    host,
    port: bound,
    url: `http://${host}:${bound}`,
    close: () => app.close(),
  };
};
