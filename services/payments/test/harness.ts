import type { Envelope } from '@express-quote/contracts';
import { loadConfig } from '@express-quote/service-kit';
import {
  createTestDatabase,
  createTestNats,
  type TestDatabase,
  type TestNats,
  testLogger,
  waitFor,
} from '@express-quote/testing';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { PaymentsConfigSchema } from '../src/config.ts';
import { createDatabase, type PaymentsDatabase } from '../src/database.ts';
import { type PaymentsService, startPaymentsService } from '../src/service.ts';
import type { SignedWebhookRequest } from '../src/stripe-simulator.ts';

export const SECRET = 'whsec_test_primary_0123456789abcdef';

export interface StartOptions {
  natsUrl: string;
  namespace: string;
  databaseUrl: string;
  env?: Record<string, string>;
}

/** The gateway in-process, configured through its real env schema, on an ephemeral port. */
export const startGateway = async (
  options: StartOptions,
): Promise<PaymentsService & { registry: Registry }> => {
  const config = loadConfig(PaymentsConfigSchema, {
    NATS_URL: options.natsUrl,
    NATS_NAMESPACE: options.namespace,
    DATABASE_URL: options.databaseUrl,
    STRIPE_WEBHOOK_SECRET: SECRET,
    PORT: '0',
    HOST: '127.0.0.1',
    ...options.env,
  });
  const registry = new Registry();
  const service = await startPaymentsService({ config, logger: testLogger('payments'), registry });
  return Object.assign(service, { registry });
};

/** Resolves once /readyz says ready (the schema is migrated in the background at start-up). */
export const waitUntilReady = (service: PaymentsService) =>
  waitFor(
    'the gateway to be ready',
    async () => (await service.app.inject({ url: '/readyz' })).statusCode === 200,
  );

export const post = (service: PaymentsService, request: SignedWebhookRequest) =>
  service.app.inject({
    method: 'POST',
    url: '/api/webhooks/stripe',
    headers: request.headers,
    payload: request.body,
  });

export interface StoredPaymentMessage {
  subject: string;
  seq: number;
  msgId: string | undefined;
  envelope: Envelope;
}

/** Every message stored in the namespace's PAYMENTS stream, oldest first. */
export const paymentsMessages = async (
  nats: Pick<TestNats, 'jsm' | 'ns'>,
): Promise<StoredPaymentMessage[]> => {
  const stream = nats.ns.stream('payments');
  const info = await nats.jsm.streams.info(stream);
  const messages: StoredPaymentMessage[] = [];
  if (info.state.messages === 0) return messages;
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await nats.jsm.streams.getMessage(stream, { seq });
    if (!m) continue;
    messages.push({
      subject: m.subject,
      seq: m.seq,
      msgId: m.header?.get('Nats-Msg-Id') || undefined,
      envelope: m.json<Envelope>(),
    });
  }
  return messages;
};

/**
 * The tests' own pool on a test database. Not TestDatabase.db: that pool has no 'error' listener, so a connection
 * still closing when drop() forces the database away would surface as an uncaught error.
 */
export const openDatabase = (url: string): Kysely<PaymentsDatabase> =>
  createDatabase({ url, poolMax: 2, logger: testLogger('test-db') });

export interface Infra {
  nats: TestNats;
  database: TestDatabase;
  /** For assertions on payments.stripe_events. */
  db: Kysely<PaymentsDatabase>;
  cleanup(): Promise<void>;
}

export const createInfra = async (): Promise<Infra> => {
  const [nats, database] = await Promise.all([createTestNats(), createTestDatabase()]);
  const db = openDatabase(database.url);
  return {
    nats,
    database,
    db,
    async cleanup() {
      await db.destroy();
      await nats.cleanup();
      await database.drop();
    },
  };
};
