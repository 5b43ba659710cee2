import {
  type Context,
  ContractViolation,
  type EventDefinition,
  type EventOf,
  type Namespace,
  parseEvent,
} from '@express-quote/contracts';
import {
  type Consumer,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { ensureDlqStream, recordRejection } from './dlq.ts';
import { PermanentError, RetryableError } from './errors.ts';
import { type ConsumerOutcome, consumerMetrics } from './metrics.ts';
import { describeIssues, ensureConsumer, type StreamOptions } from './topology.ts';

export interface HandlerContext {
  /** Subject relative to the namespace, e.g. `notify.email.high`. */
  subject: string;
  streamSequence: number;
  /** 1 on the first delivery. */
  deliveryCount: number;
  /** Tells JetStream the handler is still busy (resets ack_wait). Called automatically every ackWait/2. */
  working(): void;
  /** Child logger carrying the event's correlationId, eventId and type. */
  logger: Logger;
}

export interface RunConsumerOptions<D extends EventDefinition> {
  nc: NatsConnection;
  ns: Namespace;
  logger: Logger;
  /** prom-client registry for the consumer metrics (default: the global registry). */
  registry?: Registry;
  /** Durable consumer name, e.g. `documents-booking-confirmed`. */
  name: string;
  /** Context whose stream is consumed. */
  context: Context;
  /** Subject relative to the namespace; one subject (nats-server 2.9), wildcards allowed. */
  filterSubject: string;
  /** Accepted event types; anything else is invalid (terminated and recorded in the DLQ). */
  events: readonly D[];
  /** Handlers running at once in this process, never exceeded. */
  concurrency: number;
  maxDeliver: number;
  /** nak delay after the n-th failed delivery: backoffMs[min(n - 1, length - 1)]. */
  backoffMs: readonly number[];
  ackWaitMs: number;
  /** Delivered-but-unacked limit across every instance of this consumer (default max(1000, 4 × concurrency)). */
  maxAckPending?: number;
  /**
   * Adds this context's advisories to the namespace's DLQ stream (creating it with these limits when missing),
   * so that nothing this consumer gives up on goes unrecorded. `false` when the DLQ is declared elsewhere.
   */
  dlq?: Partial<StreamOptions> | false;
  handler: (event: EventOf<D>, ctx: HandlerContext) => Promise<void>;
}

export interface RunningConsumer {
  readonly name: string;
  /**
   * Graceful drain: stops pulling, hands back messages received but not started (nak, redelivered at once),
   * waits for running handlers to finish and ack, and flushes the acks. With `timeoutMs`, handlers still
   * running after it stop receiving heartbeats: JetStream redelivers them after ack_wait.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

const OptionsSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "-" and "_"'),
  filterSubject: z.string().regex(/^[A-Za-z0-9_*>-]+(\.[A-Za-z0-9_*>-]+)*$/, 'a relative subject'),
  concurrency: z.number().int().min(1).max(10_000),
  maxDeliver: z.number().int().min(1),
  backoffMs: z.array(z.number().int().nonnegative()).min(1),
  ackWaitMs: z.number().int().min(100),
  maxAckPending: z.number().int().positive().optional(),
  events: z.array(z.unknown()).min(1, 'at least one accepted event type'),
});

// Pull requests stay open this long when the stream is idle (stop() closes them after a short settle).
const FETCH_EXPIRES_MS = 30_000;
const MAX_ERROR_PAUSE_MS = 5_000;
const SETTLE_QUIET_MS = 50;
const SETTLE_MAX_MS = 1_000;

interface Active {
  msg: JsMsg;
  touched: number;
  done: boolean;
}

const decoder = new TextDecoder();

/**
 * The durable pull-consumer runner. It pulls only as many messages as it has free handler slots (JetStream's
 * `consume()` keeps pulling as messages arrive, whatever the handlers' pace, and buffered messages would burn
 * their ack_wait), validates each with the contracts, and turns the handler's outcome into ack, nak(delay) or
 * term + a DLQ rejection record.
 */
export const runConsumer = async <D extends EventDefinition>(
  options: RunConsumerOptions<D>,
): Promise<RunningConsumer> => {
  const checked = OptionsSchema.safeParse(options);
  if (!checked.success) {
    throw new TypeError(`invalid consumer options for ${options.name}: ${describeIssues(checked.error)}`);
  }
  const { nc, ns, handler, events, concurrency, maxDeliver, ackWaitMs } = options;
  const backoffMs = [...options.backoffMs];
  const stream = ns.stream(options.context);
  const durable = ns.durable(options.name);
  const log = options.logger.child({ consumer: durable });
  const jsm = await jetstreamManager(nc);
  const js: JetStreamClient = jetstream(nc);

  if (options.dlq !== false) await ensureDlqStream(jsm, ns, [options.context], options.dlq ?? {});
  const declaration = {
    durable,
    filterSubject: ns.subject(options.filterSubject),
    maxDeliver,
    ackWaitMs,
    maxAckPending: options.maxAckPending ?? Math.max(1000, concurrency * 4),
    description: `${durable}: ${events.map((e) => e.type).join(', ')}`,
  };
  await ensureConsumer(jsm, stream, declaration);
  let consumer: Consumer = await js.consumers.get(stream, durable);

  const metrics = consumerMetrics(options.registry);
  const outcomes: Record<ConsumerOutcome, { inc(): void }> = {
    acked: metrics.messages.labels(durable, 'acked'),
    retried: metrics.messages.labels(durable, 'retried'),
    terminated: metrics.messages.labels(durable, 'terminated'),
    invalid: metrics.messages.labels(durable, 'invalid'),
  };
  const redeliveries = metrics.redeliveries.labels(durable);
  const handlerSeconds = metrics.handlerSeconds.labels(durable);

  let inFlight = 0;
  // Credit of open pull requests not yet used: inFlight + reserved never exceeds concurrency.
  let reserved = 0;
  let stopping = false;
  let pausedUntil = 0;
  let consecutiveErrors = 0;
  let needsEnsure = false;
  let lastArrival = 0;
  const openFetches = new Set<ConsumerMessages>();
  const active = new Set<Active>();

  let wakeLoop: (() => void) | undefined;
  const wake = () => {
    const w = wakeLoop;
    wakeLoop = undefined;
    w?.();
  };
  let onDrained: (() => void) | undefined;
  const checkDrained = () => {
    if (stopping && inFlight === 0 && openFetches.size === 0 && reserved === 0) onDrained?.();
  };

  // ack/nak/term/working are writes on the connection; on a closed one they are dropped and JetStream redelivers
  // after ack_wait. They run from timers (flushAcks, heartbeats) where a throw would crash the process: contain it.
  const send = (what: 'ack' | 'nak' | 'term' | 'working', msg: JsMsg, delayMs?: number) => {
    try {
      if (what === 'nak') msg.nak(delayMs);
      else msg[what]();
    } catch (error) {
      log.warn({ streamSequence: msg.seq, err: (error as Error).message }, `${what} not sent`);
    }
  };

  // Acks of one event-loop turn leave in one socket write instead of one write each: the write, not the
  // handler, is what a fast consumer spends its time on.
  let acks: JsMsg[] = [];
  let acksScheduled = false;
  const flushAcks = () => {
    acksScheduled = false;
    const batch = acks;
    acks = [];
    for (const m of batch) send('ack', m);
  };
  const ack = (msg: JsMsg) => {
    acks.push(msg);
    if (!acksScheduled) {
      acksScheduled = true;
      setImmediate(flushAcks);
    }
  };

  const retryDelay = (deliveryCount: number) =>
    backoffMs[Math.min(deliveryCount - 1, backoffMs.length - 1)] ?? backoffMs[0]!;

  /** term() with a rejection record first; if the record cannot be written, retry later rather than lose it. */
  const reject = async (
    msg: JsMsg,
    deliveryCount: number,
    reason: string,
    event: { type: string; id: string } | undefined,
  ): Promise<'terminated' | 'retried'> => {
    try {
      await recordRejection(js, ns, {
        stream,
        streamSequence: msg.seq,
        consumer: durable,
        subject: msg.subject,
        reason,
        at: new Date().toISOString(),
        deliveries: deliveryCount,
        eventType: event?.type ?? null,
        eventId: event?.id ?? null,
      });
    } catch (error) {
      if (deliveryCount < maxDeliver) {
        log.error(
          { streamSequence: msg.seq, err: (error as Error).message },
          'DLQ rejection record not written; message will be retried',
        );
        send('nak', msg, retryDelay(deliveryCount));
        return 'retried';
      }
      log.error(
        { streamSequence: msg.seq, err: (error as Error).message, reason },
        'DLQ rejection record not written on the last delivery; terminating (the advisory still reaches the DLQ)',
      );
    }
    send('term', msg);
    return 'terminated';
  };

  /** Validates, runs the handler, settles the message (ack / nak / term) and logs one line. Never throws. */
  const handle = async (msg: JsMsg) => {
    inFlight++;
    const startedAt = performance.now();
    const entry: Active = { msg, touched: startedAt, done: false };
    active.add(entry);
    try {
      const deliveryCount = msg.info.deliveryCount;
      if (deliveryCount > 1) redeliveries.inc();
      let event: EventOf<D> | undefined;
      let outcome: ConsumerOutcome;
      let reason: string | undefined;
      let failure: Error | undefined;
      try {
        let raw: unknown;
        try {
          raw = JSON.parse(decoder.decode(msg.data));
        } catch {
          // JSON.parse's message quotes the payload, which may hold personal data: say less.
          throw new ContractViolation('payload is not valid JSON');
        }
        event = parseEvent(raw, events) as EventOf<D>;
      } catch (error) {
        reason = error instanceof ContractViolation ? error.message : `invalid message: ${String(error)}`;
        const result = await reject(msg, deliveryCount, reason, undefined);
        outcome = result === 'terminated' ? 'invalid' : 'retried';
      }
      if (event) {
        const ev = event;
        let child: Logger | undefined;
        const ctx: HandlerContext = {
          subject: ns.relative(msg.subject),
          streamSequence: msg.seq,
          deliveryCount,
          working: () => {
            if (entry.done) return;
            send('working', msg);
            entry.touched = performance.now();
          },
          get logger() {
            child ??= log.child({ correlationId: ev.correlationId, eventId: ev.id, type: ev.type });
            return child;
          },
        };
        const handlerStart = performance.now();
        try {
          await handler(ev, ctx);
          handlerSeconds.observe((performance.now() - handlerStart) / 1000);
          ack(msg);
          outcome = 'acked';
        } catch (error) {
          handlerSeconds.observe((performance.now() - handlerStart) / 1000);
          failure = error instanceof Error ? error : new Error(String(error));
          if (error instanceof PermanentError) {
            reason = error.message;
            outcome = await reject(msg, deliveryCount, reason, ev);
          } else if (deliveryCount >= maxDeliver) {
            reason = `max deliveries (${deliveryCount}/${maxDeliver}): ${failure.message}`;
            outcome = await reject(msg, deliveryCount, reason, ev);
          } else {
            send(
              'nak',
              msg,
              error instanceof RetryableError && error.delayMs !== undefined
                ? error.delayMs
                : retryDelay(deliveryCount),
            );
            outcome = 'retried';
          }
        }
      }
      outcomes[outcome!].inc();
      const level = outcome! === 'acked' ? 'info' : outcome! === 'retried' ? 'warn' : 'error';
      if (log.isLevelEnabled(level)) {
        log[level](
          {
            type: event?.type ?? null,
            eventId: event?.id ?? null,
            correlationId: event?.correlationId ?? null,
            outcome: outcome!,
            durationMs: Math.round((performance.now() - startedAt) * 1000) / 1000,
            streamSequence: msg.seq,
            deliveryCount,
            ...(reason ? { reason } : {}),
            ...(failure && !reason ? { err: failure.message } : {}),
          },
          'message handled',
        );
      }
    } catch (error) {
      // The handler's errors are settled above; this is the runner itself failing (a bug): retry the message.
      log.error({ streamSequence: msg.seq, err: (error as Error).message }, 'consumer runner failure');
      send('nak', msg, retryDelay(msg.info.deliveryCount));
    } finally {
      // Whatever happened, no more heartbeats for this message, and its slot is free.
      entry.done = true;
      active.delete(entry);
      inFlight--;
      wake();
      checkDrained();
    }
  };

  const onFetchError = (error: unknown) => {
    consecutiveErrors++;
    const pause = Math.min(MAX_ERROR_PAUSE_MS, 100 * 2 ** Math.min(consecutiveErrors, 6));
    pausedUntil = Date.now() + pause;
    // The consumer may have been deleted (or the server restarted without its state): re-declare before pulling.
    needsEnsure = true;
    log.warn(
      { err: (error as Error).message, consecutiveErrors, retryInMs: pause },
      'pulling messages failed; retrying',
    );
  };

  const fetchBatch = async (batch: number) => {
    let received = 0;
    let messages: ConsumerMessages | undefined;
    try {
      messages = await consumer.fetch({ max_messages: batch, expires: FETCH_EXPIRES_MS });
      openFetches.add(messages);
      if (stopping) void messages.close();
      for await (const msg of messages) {
        lastArrival = performance.now();
        received++;
        reserved--;
        consecutiveErrors = 0;
        if (stopping) {
          // Received but not started: hand it back now rather than after ack_wait.
          send('nak', msg);
          continue;
        }
        void handle(msg);
      }
    } catch (error) {
      if (!stopping) onFetchError(error);
    } finally {
      reserved -= batch - received;
      if (messages) openFetches.delete(messages);
      wake();
      checkDrained();
    }
  };

  const sleepOrWake = (ms?: number) =>
    new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(wake, ms);
      wakeLoop = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const minBatch = Math.max(1, Math.floor(concurrency / 4));
  const pullLoop = async () => {
    while (!stopping) {
      if (nc.isClosed()) {
        log.error('NATS connection closed: consumer no longer pulls');
        return;
      }
      const now = Date.now();
      if (now < pausedUntil) {
        await sleepOrWake(pausedUntil - now);
        continue;
      }
      if (needsEnsure) {
        try {
          await ensureConsumer(jsm, stream, declaration);
          consumer = await js.consumers.get(stream, durable);
          needsEnsure = false;
        } catch (error) {
          onFetchError(error);
          continue;
        }
      }
      const free = concurrency - inFlight - reserved;
      // Small pulls are wasteful when a pull is already open: wait for a quarter of the slots.
      if (free <= 0 || (free < minBatch && reserved > 0)) {
        await sleepOrWake();
        continue;
      }
      reserved += free;
      void fetchBatch(free);
    }
  };

  const sweepEveryMs = Math.max(25, Math.floor(ackWaitMs / 4));
  const heartbeat = setInterval(() => {
    const now = performance.now();
    for (const entry of active) {
      if (now - entry.touched >= ackWaitMs / 2) {
        send('working', entry.msg);
        entry.touched = now;
      }
    }
  }, sweepEveryMs);
  heartbeat.unref();

  const loop = pullLoop().catch((error) => log.error({ err: (error as Error).message }, 'pull loop failed'));
  log.info(
    { stream, filterSubject: declaration.filterSubject, concurrency, maxDeliver, ackWaitMs },
    'consumer started',
  );

  /**
   * Messages the server already sent for our open pulls would, once we unsubscribe, wait out ack_wait before
   * redelivery. So before closing: a round trip (the server has seen our pulls), then a short quiet period for
   * messages in transit, which arrive while `stopping` and are naked straight back. Messages published during the
   * close itself can still miss us: JetStream redelivers them after ack_wait.
   */
  const settlePulls = async () => {
    if (openFetches.size === 0 || nc.isClosed()) return;
    try {
      await nc.flush();
    } catch {
      return;
    }
    const deadline = performance.now() + SETTLE_MAX_MS;
    while (openFetches.size > 0 && performance.now() < deadline) {
      if (performance.now() - lastArrival >= SETTLE_QUIET_MS) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  let stopped: Promise<void> | undefined;
  const stop = async (stopOptions: { timeoutMs?: number } = {}) => {
    stopping = true;
    wake();
    await settlePulls();
    for (const m of openFetches) void m.close();
    const drained = new Promise<boolean>((resolve) => {
      onDrained = () => resolve(true);
      checkDrained();
    });
    const finished =
      stopOptions.timeoutMs === undefined
        ? await drained
        : await Promise.race([
            drained,
            new Promise<boolean>((resolve) =>
              setTimeout(() => resolve(false), stopOptions.timeoutMs).unref(),
            ),
          ]);
    clearInterval(heartbeat);
    await loop;
    flushAcks();
    if (!finished) {
      log.warn(
        { inFlight, timeoutMs: stopOptions.timeoutMs },
        'stop timed out; unfinished messages will be redelivered after ack_wait',
      );
    }
    // The acks are buffered writes: make sure the server has them before the caller closes the connection.
    if (!nc.isClosed()) await nc.flush();
    log.info('consumer stopped');
  };

  return {
    name: durable,
    stop(stopOptions) {
      stopped ??= stop(stopOptions);
      return stopped;
    },
  };
};
