import { isApiError } from '@express-quote/messaging';
import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerInfo,
  DeliverPolicy,
  JetStreamApiCodes,
} from '@nats-io/jetstream';
import { CliError } from '../command.ts';
import type { NatsHandles } from '../connections.ts';
import type { Output } from '../io.ts';
import { createProgress } from '../progress.ts';

export interface ConsumerReplayOptions {
  nats: NatsHandles;
  stream: string;
  durable: string;
  /** First stream sequence the consumer's owner must process again. */
  fromSeq: number;
  /** Subject filter (full) for a durable that does not exist yet. */
  filter?: string;
  /** Called before the durable is rewound (deleted and recreated): false aborts. */
  confirmRewind(info: ConsumerInfo): Promise<boolean>;
  watch: boolean;
  signal: AbortSignal;
  err: Output;
  pollMs?: number;
}

export interface ConsumerReplayResult {
  rewound: boolean;
  skipped: number;
  replayed: number;
  caughtUp: boolean;
  aborted: boolean;
}

const MARK = 'eq replay from #';

/** Matching messages from `fromSeq` on (an ordered consumer's pending count, created and deleted for that). */
const countFrom = async (
  nats: NatsHandles,
  stream: string,
  filter: string,
  fromSeq: number,
): Promise<number> => {
  const c = await nats.js.consumers.get(stream, {
    filter_subjects: filter,
    ...(fromSeq > 1
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: fromSeq }
      : { deliver_policy: DeliverPolicy.All }),
  });
  try {
    return (await c.info(true)).num_pending;
  } finally {
    await c.delete().catch(() => {});
  }
};

/** The declaration to recreate: the owner's configuration, with every runtime field left out. */
const declarationOf = (info: ConsumerInfo, fromSeq: number): Partial<ConsumerConfig> => {
  const c = info.config;
  return {
    durable_name: c.durable_name,
    ack_policy: c.ack_policy,
    // `all`, as the services declare it (their ensureConsumer refuses another deliver policy): the messages before
    // fromSeq are acknowledged here instead.
    deliver_policy: DeliverPolicy.All,
    replay_policy: c.replay_policy,
    filter_subject: c.filter_subject,
    max_deliver: c.max_deliver,
    ack_wait: c.ack_wait,
    max_ack_pending: c.max_ack_pending,
    ...(c.backoff && c.backoff.length > 0 ? { backoff: c.backoff } : {}),
    ...(c.max_waiting ? { max_waiting: c.max_waiting } : {}),
    description:
      `${(c.description ?? '').replace(/\s*\(eq replay from #\d+\)$/, '')} (${MARK}${fromSeq})`.trim(),
  };
};

/**
 * Makes a durable consumer process its stream again from `fromSeq`: recreates it (same configuration, deliver
 * policy `all` as its service declares it) and acknowledges the messages before `fromSeq` itself, then watches
 * the owner work through the rest (done / total, rate, ETA). nats-server 2.9 cannot move a durable's position in
 * place; the recreated durable carries `(eq replay from #N)` in its description so that running the same command
 * again resumes (skipping or watching) instead of rewinding twice.
 */
export const replayConsumer = async (options: ConsumerReplayOptions): Promise<ConsumerReplayResult> => {
  const { nats, stream, durable, fromSeq, err } = options;
  let info: ConsumerInfo | null = null;
  try {
    info = await nats.jsm.consumers.info(stream, durable);
  } catch (error) {
    if (!isApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
  }
  const result: ConsumerReplayResult = {
    rewound: false,
    skipped: 0,
    replayed: 0,
    caughtUp: false,
    aborted: false,
  };
  const marked = info?.config.description?.endsWith(`(${MARK}${fromSeq})`) === true;
  if (info && info.config.ack_policy !== AckPolicy.Explicit) {
    throw new CliError(
      `${durable} does not acknowledge explicitly (${info.config.ack_policy}): not a service consumer`,
    );
  }
  if (info && !marked) {
    if (info.num_waiting > 0) {
      throw new CliError(
        `${durable} has ${info.num_waiting} pull request(s) waiting: its service is running. Stop it first (waiting pulls expire within ~30 s), then run this again`,
      );
    }
    if (!(await options.confirmRewind(info))) {
      result.aborted = true;
      return result;
    }
    const declaration = declarationOf(info, fromSeq);
    await nats.jsm.consumers.delete(stream, durable);
    info = await nats.jsm.consumers.add(stream, declaration);
    result.rewound = true;
    err.line(`${durable} recreated at the start of ${stream}; acknowledging what comes before #${fromSeq}`);
  } else if (!info) {
    if (!options.filter)
      throw new CliError(`no durable ${durable} on ${stream}: pass --filter <subject> to create it`);
    info = await nats.jsm.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: options.filter,
      ack_wait: 30_000_000_000,
      max_deliver: 10,
      description: `${durable} (${MARK}${fromSeq})`,
    });
    result.rewound = true;
    err.line(`${durable} created on ${stream} (${options.filter})`);
  }
  const filter = info.config.filter_subject ?? '>';

  // Skip: acknowledge, without handing them to anyone, the matching messages before fromSeq.
  const fromCount = await countFrom(nats, stream, filter, fromSeq);
  const toSkip = Math.max(0, info.num_pending + info.num_ack_pending - fromCount);
  if (toSkip > 0) {
    const progress = createProgress(err, `skipping to #${fromSeq}`, toSkip);
    const consumer = await nats.js.consumers.get(stream, durable);
    let skipped = 0;
    while (skipped < toSkip && !options.signal.aborted) {
      const batch = await consumer.fetch({ max_messages: Math.min(1_000, toSkip - skipped), expires: 5_000 });
      let got = 0;
      for await (const m of batch) {
        if (m.seq >= fromSeq) {
          // Delivered by mistake (a message published meanwhile cannot be before fromSeq): hand it back at once.
          m.nak();
          continue;
        }
        m.ack();
        got++;
      }
      if (got === 0) break;
      skipped += got;
      progress.update(skipped);
    }
    await nats.nc.flush();
    progress.finish();
    result.skipped = skipped;
  }

  if (!options.watch || options.signal.aborted) return result;
  const start = await nats.jsm.consumers.info(stream, durable);
  let total = start.num_pending + start.num_ack_pending;
  err.line(
    `${durable}: ${total} message(s) from #${fromSeq} for its service to process; watching (Ctrl-C stops watching, not the replay)`,
  );
  const progress = createProgress(err, durable, total);
  while (!options.signal.aborted) {
    const now = await nats.jsm.consumers.info(stream, durable);
    const left = now.num_pending + now.num_ack_pending;
    // New messages keep arriving: the total grows with them.
    total = Math.max(total, left + result.replayed);
    result.replayed = Math.max(result.replayed, total - left);
    progress.update(result.replayed, total);
    if (left === 0) {
      result.caughtUp = true;
      break;
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 1_000));
  }
  progress.finish();
  return result;
};
