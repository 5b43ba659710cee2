import { type Envelope, type Namespace, signDocumentUrl } from '@express-quote/contracts';
import { loadConfig } from '@express-quote/service-kit';
import { testLogger } from '@express-quote/testing';
import type { JetStreamManager } from '@nats-io/jetstream';
import { Registry } from 'prom-client';
import { DocumentsConfigSchema } from '../src/config.ts';
import { type DocumentsService, startDocumentsService } from '../src/service.ts';

export const URL_SECRET = 'integration-secret-0123456789abcdef';

/** The service as `main.ts` would start it, in-process, on a test namespace and database. */
export const startService = async (options: {
  natsUrl: string;
  ns: Namespace;
  databaseUrl: string;
  /** Default 1: test files run in parallel on a small machine. */
  renderThreads?: number;
}): Promise<DocumentsService & { registry: Registry }> => {
  const config = loadConfig(DocumentsConfigSchema, {
    NATS_URL: options.natsUrl,
    NATS_NAMESPACE: options.ns.prefix,
    DATABASE_URL: options.databaseUrl,
    DATABASE_POOL_MAX: '4',
    HOST: '127.0.0.1',
    PORT: '0',
    DOCUMENTS_URL_SECRET: URL_SECRET,
    COMPANY_NAME: 'Express Quote SAS',
    COMPANY_ADDRESS: '12 rue de la Paix, 75002 Paris',
    COMPANY_SIRET: '123 456 789 00012',
    COMPANY_VAT_NUMBER: 'FR 12 123456789',
    COMPANY_EMAIL: 'contact@express-quote.fr',
    RENDER_THREADS: String(options.renderThreads ?? 1),
    CONSUMER_CONCURRENCY: String(Math.max(4, (options.renderThreads ?? 1) * 4)),
    CONSUMER_MAX_DELIVER: '4',
    CONSUMER_BACKOFF_MS: '200ms,500ms',
    CONSUMER_ACK_WAIT_MS: '10s',
  });
  const registry = new Registry();
  const service = await startDocumentsService({ config, logger: testLogger('documents'), registry });
  return { ...service, registry };
};

/** Every message of a stream, parsed, in order. */
export const streamEvents = async (jsm: JetStreamManager, stream: string): Promise<Envelope[]> => {
  const info = await jsm.streams.info(stream);
  const events: Envelope[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const msg = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (msg) events.push(msg.json<Envelope>());
  }
  return events;
};

/** Value of a counter in the service's registry for the given labels (0 when never incremented). */
export const counterValue = async (
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number> => {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? 0;
};

export const signedPath = (key: string, expiresAt: Date): string => {
  const url = new URL(
    signDocumentUrl({ baseUrl: 'http://documents.test', key, expiresAt, secret: URL_SECRET }),
  );
  return `${url.pathname}${url.search}`;
};
