import { isApiError } from '@express-quote/messaging';
import {
  DeliverPolicy,
  JetStreamApiCodes,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type StreamInfo,
} from '@nats-io/jetstream';
import { CliError } from '../command.ts';

export interface ScanOptions {
  /** Full subject filter (already namespaced); one subject: nats-server 2.9 has no multi-filter consumers. */
  filter?: string;
  startSeq?: number;
  startTime?: Date;
  /** Last sequence to read (inclusive). Default: the stream's last sequence when the scan starts. */
  endSeq?: number;
  /** Keep waiting for new messages after the end (until `signal` aborts). */
  follow?: boolean;
  signal?: AbortSignal;
  /** Messages asked for at a time (default 2 000). */
  batch?: number;
  /** Without `follow`: give up when nothing arrives for this long although messages remain (default 15 s). */
  idleTimeoutMs?: number;
}

export const streamInfo = async (jsm: JetStreamManager, stream: string): Promise<StreamInfo> => {
  try {
    return await jsm.streams.info(stream);
  } catch (error) {
    if (isApiError(error, JetStreamApiCodes.StreamNotFound)) {
      throw new CliError(
        `stream ${stream} does not exist (wrong --namespace? its owner declares it at start)`,
      );
    }
    throw error;
  }
};

/**
 * Reads a stream in order with an ordered consumer (ephemeral, no acks, in memory, deleted afterwards): nothing
 * is consumed or changed for the services. Stops at the stream's end as it was when the scan started, unless
 * `follow`.
 */
export async function* scanStream(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  options: ScanOptions = {},
): AsyncGenerator<JsMsg> {
  const info = await streamInfo(jsm, stream);
  const endSeq = options.endSeq ?? info.state.last_seq;
  const follow = options.follow === true;
  let startSeq = options.startSeq ?? 1;
  let startTime = options.startTime;
  if (options.signal?.aborted) return;
  // Nothing is stored in the future; and nats-server misreads times past 2262 (nanoseconds overflow int64).
  if (startTime && startTime.getTime() > Date.now()) {
    if (!follow) return;
    startSeq = info.state.last_seq + 1;
    startTime = undefined;
  }
  if (!follow && (info.state.messages === 0 || endSeq < Math.max(startSeq, info.state.first_seq))) return;
  const consumer = await js.consumers.get(stream, {
    ...(options.filter ? { filter_subjects: options.filter } : {}),
    ...(startTime
      ? { opt_start_time: startTime.toISOString() }
      : startSeq > 1
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq }
        : { deliver_policy: DeliverPolicy.All }),
  });
  try {
    const pending = (await consumer.info(true)).num_pending;
    if (!follow && pending === 0) return;
    const messages = await consumer.consume({ max_messages: options.batch ?? 2_000 });
    // The abort listener, the idle timer and the finally block all close: one close() between them.
    let closing: ReturnType<typeof messages.close> | undefined;
    const close = () => {
      closing ??= messages.close();
      return closing;
    };
    const idleMs = options.idleTimeoutMs ?? 15_000;
    let idle: NodeJS.Timeout | undefined;
    let timedOut = false;
    const armIdle = () => {
      if (follow) return;
      clearTimeout(idle);
      idle = setTimeout(() => {
        timedOut = true;
        void close();
      }, idleMs);
    };
    const onAbort = () => void close();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // Ctrl-C while the consumer was being created: the 'abort' event has already fired and will not fire again.
    if (options.signal?.aborted) void close();
    armIdle();
    let last = 0;
    try {
      for await (const m of messages) {
        if (!follow && m.seq > endSeq) {
          last = m.seq;
          break;
        }
        armIdle();
        last = m.seq;
        yield m;
        if (options.signal?.aborted) break;
        if (!follow && (m.seq >= endSeq || m.info.pending === 0)) break;
      }
    } finally {
      clearTimeout(idle);
      options.signal?.removeEventListener('abort', onAbort);
      await close();
    }
    if (timedOut) {
      throw new CliError(
        `reading ${stream} stalled after #${last} (nothing for ${Math.round(idleMs / 1000)} s, end is #${endSeq})`,
      );
    }
  } finally {
    await consumer.delete().catch(() => {});
  }
}

/** The first sequence stored at or after `time` (or null when none): how a time becomes a stream position. */
export const sequenceAt = async (
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  time: Date,
): Promise<number | null> => {
  for await (const m of scanStream(js, jsm, stream, { startTime: time, batch: 1 })) return m.seq;
  return null;
};
