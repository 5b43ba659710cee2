import type { Context, EventDefinition, EventOf, Namespace } from '@express-quote/contracts';
import { namespaced } from '@express-quote/contracts';
import {
  createEventStore,
  type EventStore,
  migrateEventStore,
  registerRelayLagMetric,
  startRelay,
  toEnvelope,
} from '@express-quote/eventstore';
import {
  connectNats,
  createPublisher,
  ensureContextStream,
  ensureDlqStream,
  type HandlerContext,
  type RunningConsumer,
  runConsumer,
} from '@express-quote/messaging';
import { registerConsumerLagMetrics, registerDlqSizeMetric } from '@express-quote/service-kit';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export interface EventSourcedRuntimeOptions {
  /** Service name: NATS connection name and durable prefix (`<name>-<purpose>`). */
  name: string;
  logger: Logger;
  registry: Registry;
  config: {
    NATS_URL: string | string[];
    NATS_NAMESPACE: string;
    STREAM_REPLICAS: number;
    DATABASE_URL: string;
    DATABASE_POOL_MAX: number;
  };
  /** Postgres schema of the service's event store and tables. */
  schema: string;
  /** The stream whose events the service handles, and the one its relay feeds. */
  consumesFrom: Context;
  publishesTo: Context;
  /** The service's own migrations, run after the event store's. */
  migrate(db: Kysely<unknown>): Promise<void>;
  consumers: { concurrency: number; maxDeliver: number; backoffMs: number[]; ackWaitMs: number };
  /** Name of the relay-lag series (`eq_relay_lag_events{store}`). */
  relayLagStore: string;
}

export interface EventSourcedRuntime {
  readonly ns: Namespace;
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  // biome-ignore lint/suspicious/noExplicitAny: each service brings its own typed tables
  readonly db: Kysely<any>;
  readonly store: EventStore;
  /** Starts one durable consumer of `def` (one filter subject each: nats 2.9), logging each outcome. */
  consume<D extends EventDefinition>(
    purpose: string,
    def: D,
    handle: (event: EventOf<D>, ctx: HandlerContext) => Promise<unknown>,
  ): Promise<void>;
  /** Queue gauges of every consumer started so far and the DLQ size; call once the consumers are running. */
  startQueueGauges(): void;
  /** Durable names of the consumers started so far. */
  consumerNames(): string[];
  /** Registers a step of the ordered stop (run in reverse registration order). */
  onStop(step: () => Promise<unknown>): void;
  /** Runs every registered step, in reverse order, even when one fails (logged). */
  stop(): Promise<void>;
}

/**
 * What an event-sourced service (booking, attribution) wires the same way: NATS with its streams and DLQ, a pg
 * pool whose sessions cannot sit idle in a transaction (an abandoned one would hold back the store's global order
 * for every reader), the event store migrated in the service's schema, the relay to its stream, its consumers and
 * their queue gauges, and one ordered stop. A start-up that fails half-way stops what it had opened.
 */
export const startEventSourcedRuntime = async (
  options: EventSourcedRuntimeOptions,
): Promise<EventSourcedRuntime> => {
  const { config, logger, registry } = options;
  const ns = namespaced(config.NATS_NAMESPACE);
  const steps: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const step of steps.reverse()) {
      try {
        await step();
      } catch (error) {
        logger.error({ err: error }, 'error while stopping');
      }
    }
    steps.length = 0;
  };

  try {
    const nc = await connectNats({ servers: config.NATS_URL, name: options.name, logger });
    steps.push(async () => {
      if (!nc.isClosed()) await nc.drain();
    });
    const jsm = await jetstreamManager(nc);
    const streamOptions = { replicas: config.STREAM_REPLICAS };
    for (const context of [options.consumesFrom, options.publishesTo]) {
      await ensureContextStream(jsm, ns, context, streamOptions);
    }
    await ensureDlqStream(jsm, ns, [options.consumesFrom], streamOptions);

    const pool = new pg.Pool({
      connectionString: config.DATABASE_URL,
      max: config.DATABASE_POOL_MAX,
      options: '-c idle_in_transaction_session_timeout=10000',
    });
    const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
    steps.push(() => db.destroy());
    await migrateEventStore(db, options.schema);
    await options.migrate(db);
    const store = createEventStore(db, {
      schema: options.schema,
      idleInTransactionTimeoutMs: null,
      registry,
    });

    const publisher = createPublisher(nc, ns);
    const relay = await startRelay({
      store,
      connection: config.DATABASE_URL,
      logger,
      publish: (event) => publisher.publish(toEnvelope(event)),
    });
    steps.push(() => relay.stop());
    registerRelayLagMetric(registry, options.relayLagStore, () => relay.lag());

    const consumers: RunningConsumer[] = [];
    let consumersStop = false;
    return {
      ns,
      nc,
      jsm,
      db,
      store,
      async consume(purpose, def, handle) {
        if (!consumersStop) {
          consumersStop = true;
          steps.push(() => Promise.all(consumers.map((c) => c.stop())));
        }
        consumers.push(
          await runConsumer({
            nc,
            ns,
            logger,
            registry,
            name: `${options.name}-${purpose}`,
            context: options.consumesFrom,
            filterSubject: def.subject,
            events: [def],
            ...options.consumers,
            dlq: false,
            handler: async (event, ctx) => {
              const outcome = await handle(event as EventOf<typeof def>, ctx);
              ctx.logger.info({ outcome }, `${event.type} handled`);
            },
          }),
        );
      },
      startQueueGauges() {
        const pollers = [
          registerConsumerLagMetrics(
            registry,
            jsm,
            consumers.map((c) => ({ stream: ns.stream(options.consumesFrom), durable: c.name })),
          ),
          registerDlqSizeMetric(registry, jsm, ns.stream('dlq')),
        ];
        steps.push(async () => {
          for (const poller of pollers) poller.stop();
        });
      },
      consumerNames: () => consumers.map((c) => c.name),
      onStop: (step) => {
        steps.push(step);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};
