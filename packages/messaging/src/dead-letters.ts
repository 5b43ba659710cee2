import { CONTEXTS, type Context, type Namespace } from '@express-quote/contracts';
import {
  DeliverPolicy,
  JetStreamApiCodes,
  type JetStreamManager,
  type JsMsg,
  type StreamInfo,
} from '@nats-io/jetstream';
import { headers as newHeaders } from '@nats-io/transport-node';
import { z } from 'zod';
import { dlqRejectedSubject, RejectionRecord } from './dlq.ts';
import { EqHeaders } from './headers.ts';
import { isApiError } from './topology.ts';

export type DeadLetterKind = 'max_deliveries' | 'terminated' | 'rejected';

export interface DeadLetter {
  /** DLQ sequence of the entry: the advisory's, or the rejection record's when no advisory matched it. */
  dlqSequence: number;
  kind: DeadLetterKind;
  /** Stream of the original message, e.g. `BOOKINGS`. */
  stream: string;
  streamSequence: number;
  consumer: string;
  /** Full subject of the original message, when a rejection record told it. */
  subject: string | null;
  /** Why the consumer gave up, when known (rejection record of our consumer runner). */
  reason: string | null;
  deliveries: number | null;
  /** ISO-8601 UTC. */
  at: string;
  /** Every DLQ sequence making this entry (advisory and rejection records): what purge and redrive delete. */
  records: number[];
}

export interface OriginalMessage {
  subject: string;
  headers: Record<string, string[]>;
  /** The parsed JSON payload, or the raw text when it is not JSON (a message terminated for that reason). */
  data: unknown;
  storedAt: string;
}

export interface DeadLetterDetail {
  entry: DeadLetter;
  /** Null when the original left its stream (max age or size limits). */
  original: OriginalMessage | null;
}

const Advisory = z.object({
  type: z.enum(['io.nats.jetstream.advisory.v1.terminated', 'io.nats.jetstream.advisory.v1.max_deliver']),
  stream: z.string(),
  consumer: z.string(),
  stream_seq: z.number().int().positive(),
  deliveries: z.number().int().nonnegative().optional(),
  timestamp: z.string(),
  reason: z.string().optional(),
});

interface DlqRecord {
  seq: number;
  advisory?: z.infer<typeof Advisory>;
  rejection?: RejectionRecord;
}

const READ_IDLE_TIMEOUT_MS = 5_000;

/** Reads every record of the DLQ stream in order with an ordered (ephemeral, ack-less) consumer. */
const readDlq = async (jsm: JetStreamManager, ns: Namespace): Promise<DlqRecord[]> => {
  const stream = ns.stream('dlq');
  let info: StreamInfo;
  try {
    info = await jsm.streams.info(stream);
  } catch (error) {
    if (!isApiError(error, JetStreamApiCodes.StreamNotFound)) throw error;
    // Not an empty list: without the stream, advisories were never captured.
    throw new Error(`DLQ stream ${stream} does not exist (ensureDlqStream declares it)`, { cause: error });
  }
  if (info.state.messages === 0) return [];
  const lastSeq = info.state.last_seq;
  const consumer = await jsm.jetstream().consumers.get(stream, { deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume({ max_messages: 500 });
  const records: DlqRecord[] = [];
  const rejected = dlqRejectedSubject(ns);
  let idle: NodeJS.Timeout | undefined;
  let complete = false;
  const armIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => void messages.close(), READ_IDLE_TIMEOUT_MS);
  };
  armIdle();
  try {
    for await (const m of messages) {
      armIdle();
      records.push(toRecord(m, rejected));
      // pending counts what is left after this message; deleted records leave holes up to last_seq.
      if (m.info.pending === 0 || m.seq >= lastSeq) {
        complete = true;
        break;
      }
    }
  } finally {
    clearTimeout(idle);
    await messages.close();
  }
  if (!complete) {
    throw new Error(`DLQ ${stream}: reading stopped after ${records.length} records, before the end`);
  }
  return records;
};

const toRecord = (m: JsMsg, rejectedSubject: string): DlqRecord => {
  let payload: unknown;
  try {
    payload = m.json();
  } catch {
    return { seq: m.seq };
  }
  if (m.subject === rejectedSubject) {
    const r = RejectionRecord.safeParse(payload);
    return r.success ? { seq: m.seq, rejection: r.data } : { seq: m.seq };
  }
  const a = Advisory.safeParse(payload);
  return a.success ? { seq: m.seq, advisory: a.data } : { seq: m.seq };
};

const joinKey = (stream: string, seq: number, consumer: string) => `${stream}\u0000${seq}\u0000${consumer}`;

const toIso = (timestamp: string): string => {
  const d = new Date(timestamp);
  return Number.isNaN(d.getTime()) ? timestamp : d.toISOString();
};

/**
 * Joins the records into entries: each advisory is an entry; a rejection record adds its reason to the
 * MSG_TERMINATED advisory of the same (stream, sequence, consumer), or stands alone as `rejected` when the
 * advisory is missing (not yet arrived, or term() never reached the server).
 */
const joinEntries = (records: DlqRecord[]): DeadLetter[] => {
  const rejections = new Map<string, DlqRecord[]>();
  for (const r of records) {
    if (!r.rejection) continue;
    const key = joinKey(r.rejection.stream, r.rejection.streamSequence, r.rejection.consumer);
    rejections.set(key, [...(rejections.get(key) ?? []), r]);
  }
  const entries: DeadLetter[] = [];
  const joined = new Set<number>();
  for (const r of records) {
    const a = r.advisory;
    if (!a) continue;
    const kind: DeadLetterKind = a.type.endsWith('.terminated') ? 'terminated' : 'max_deliveries';
    const matches =
      kind === 'terminated' ? (rejections.get(joinKey(a.stream, a.stream_seq, a.consumer)) ?? []) : [];
    for (const m of matches) joined.add(m.seq);
    const last = matches.at(-1)?.rejection;
    entries.push({
      dlqSequence: r.seq,
      kind,
      stream: a.stream,
      streamSequence: a.stream_seq,
      consumer: a.consumer,
      subject: last?.subject ?? null,
      reason: last?.reason ?? a.reason ?? null,
      deliveries: a.deliveries ?? last?.deliveries ?? null,
      at: toIso(a.timestamp),
      records: [r.seq, ...matches.map((m) => m.seq)],
    });
  }
  for (const r of records) {
    const rej = r.rejection;
    if (!rej || joined.has(r.seq)) continue;
    entries.push({
      dlqSequence: r.seq,
      kind: 'rejected',
      stream: rej.stream,
      streamSequence: rej.streamSequence,
      consumer: rej.consumer,
      subject: rej.subject,
      reason: rej.reason,
      deliveries: rej.deliveries,
      at: rej.at,
      records: [r.seq],
    });
  }
  return entries.sort((x, y) => x.dlqSequence - y.dlqSequence);
};

/** A context key (`bookings`) or a stream name (`BOOKINGS`, `T1_BOOKINGS`). */
const streamName = (ns: Namespace, stream: string): string =>
  stream in CONTEXTS ? ns.stream(stream as Context) : stream;

export interface ListDeadLettersOptions {
  /** Oldest first; default 100. */
  limit?: number;
  /** Only dead letters of this stream (context key or stream name). */
  stream?: string;
}

/** Dead letters of the namespace, oldest first. The DLQ is meant to stay small: this reads it whole. */
export const listDeadLetters = async (
  jsm: JetStreamManager,
  ns: Namespace,
  options: ListDeadLettersOptions = {},
): Promise<DeadLetter[]> => {
  const limit = options.limit ?? 100;
  const only = options.stream ? streamName(ns, options.stream) : undefined;
  const entries = joinEntries(await readDlq(jsm, ns));
  return entries.filter((e) => !only || e.stream === only).slice(0, limit);
};

const findEntry = async (jsm: JetStreamManager, ns: Namespace, dlqSequence: number) => {
  const entries = joinEntries(await readDlq(jsm, ns));
  return entries.find((e) => e.dlqSequence === dlqSequence || e.records.includes(dlqSequence)) ?? null;
};

const headerRecord = (h: Iterable<[string, string[]]> | undefined): Record<string, string[]> =>
  h ? Object.fromEntries([...h].map(([k, v]) => [k, [...v]])) : {};

const fetchOriginal = async (jsm: JetStreamManager, entry: DeadLetter) => {
  try {
    return await jsm.streams.getMessage(entry.stream, { seq: entry.streamSequence });
  } catch {
    // The stream itself is gone: nothing left to show or redrive.
    return null;
  }
};

/** A dead letter and its original message, fetched from its stream by sequence. Null when no such entry. */
export const showDeadLetter = async (
  jsm: JetStreamManager,
  ns: Namespace,
  dlqSequence: number,
): Promise<DeadLetterDetail | null> => {
  const entry = await findEntry(jsm, ns, dlqSequence);
  if (!entry) return null;
  const stored = await fetchOriginal(jsm, entry);
  if (!stored) return { entry, original: null };
  let data: unknown;
  try {
    data = stored.json();
  } catch {
    data = stored.string();
  }
  return {
    entry: { ...entry, subject: entry.subject ?? stored.subject },
    original: {
      subject: stored.subject,
      headers: headerRecord(stored.header),
      data,
      storedAt: stored.time.toISOString(),
    },
  };
};

export interface RedriveResult {
  entry: DeadLetter;
  subject: string;
  /** Sequence of the republished copy in the original stream. */
  sequence: number;
  duplicate: boolean;
}

/**
 * Republishes the original message, byte for byte, to its subject so that it is consumed again (by every consumer
 * of that subject: handlers are idempotent on their effects), then removes the dead letter from the DLQ.
 *
 * msgID: `redrive:<stream>:<sequence>:<dlqSequence>`. Not the envelope id: the original publish used it and the
 * duplicate window would swallow the copy. Unique per dead letter, so retrying a redrive whose DLQ removal failed
 * is itself deduplicated within the window. The envelope (and its id) is unchanged.
 */
export const redrive = async (
  jsm: JetStreamManager,
  ns: Namespace,
  dlqSequence: number,
): Promise<RedriveResult> => {
  const entry = await findEntry(jsm, ns, dlqSequence);
  if (!entry) throw new Error(`no dead letter #${dlqSequence} in ${ns.stream('dlq')}`);
  const stored = await fetchOriginal(jsm, entry);
  if (!stored) {
    throw new Error(
      `dead letter #${dlqSequence}: ${entry.stream} #${entry.streamSequence} is no longer in its stream (max age or limits): nothing to redrive`,
    );
  }
  const h = newHeaders();
  for (const [key, values] of stored.header ?? []) {
    // Nats-* headers are server controls (msg id, expectations): the copy gets its own.
    if (key.toLowerCase().startsWith('nats-')) continue;
    for (const v of values) h.append(key, v);
  }
  h.set(EqHeaders.RedriveOf, `${entry.stream}:${entry.streamSequence}`);
  const ack = await jsm.jetstream().publish(stored.subject, stored.data, {
    msgID: `redrive:${entry.stream}:${entry.streamSequence}:${entry.dlqSequence}`,
    headers: h,
  });
  await deleteRecords(jsm, ns, entry.records);
  return { entry, subject: stored.subject, sequence: ack.seq, duplicate: ack.duplicate };
};

const deleteRecords = async (jsm: JetStreamManager, ns: Namespace, seqs: readonly number[]) => {
  const stream = ns.stream('dlq');
  for (const seq of seqs) {
    try {
      await jsm.streams.deleteMessage(stream, seq, false);
    } catch (error) {
      // Already deleted (a concurrent purge or redrive): the goal is reached.
      if (!/no message found|not found/i.test((error as Error).message)) throw error;
    }
  }
};

export interface DeadLetterFilter {
  /** Context key or stream name of the original. */
  stream?: string;
  consumer?: string;
  kind?: DeadLetterKind;
  /** Only entries that died before this instant. */
  before?: Date;
  /** Only these entries (DLQ sequences as listed). */
  dlqSequences?: readonly number[];
}

/** Removes the matching dead letters (an empty filter matches all of them). Returns the number of entries removed. */
export const purgeDeadLetters = async (
  jsm: JetStreamManager,
  ns: Namespace,
  filter: DeadLetterFilter,
): Promise<number> => {
  const only = filter.stream ? streamName(ns, filter.stream) : undefined;
  const seqs = filter.dlqSequences ? new Set(filter.dlqSequences) : undefined;
  const matching = joinEntries(await readDlq(jsm, ns)).filter(
    (e) =>
      (!only || e.stream === only) &&
      (!filter.consumer || e.consumer === filter.consumer) &&
      (!filter.kind || e.kind === filter.kind) &&
      (!filter.before || new Date(e.at).getTime() < filter.before.getTime()) &&
      (!seqs || seqs.has(e.dlqSequence)),
  );
  for (const e of matching) await deleteRecords(jsm, ns, e.records);
  return matching.length;
};
