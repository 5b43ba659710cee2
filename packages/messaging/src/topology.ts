import type { Context, Namespace } from '@express-quote/contracts';
import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerInfo,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  ReplayPolicy,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { z } from 'zod';
import { TopologyConflictError } from './errors.ts';

export interface StreamOptions {
  replicas: number;
  maxAgeMs: number;
  /** -1: no byte cap (age is the limit). A cap discards the oldest messages, consumed or not: size it generously. */
  maxBytes: number;
  duplicateWindowMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_STREAM_OPTIONS: StreamOptions = {
  replicas: 1,
  maxAgeMs: 30 * DAY_MS,
  maxBytes: -1,
  duplicateWindowMs: 2 * 60 * 1000,
};

const StreamOptionsSchema = z.object({
  replicas: z.number().int().min(1).max(5),
  maxAgeMs: z.number().int().nonnegative(),
  maxBytes: z.number().int().min(-1),
  duplicateWindowMs: z.number().int().positive(),
});

export const describeIssues = (error: z.ZodError): string =>
  error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');

export type StreamDeclaration = Partial<StreamConfig> & { name: string; subjects: string[] };

export const isApiError = (error: unknown, code: number): boolean =>
  error instanceof JetStreamApiError && error.code === code;

// Changing these means recreating the stream (losing its history): we refuse and say so.
const IMMUTABLE_STREAM_FIELDS = ['storage', 'retention'] as const;
const MUTABLE_STREAM_FIELDS = [
  'subjects',
  'max_age',
  'max_bytes',
  'max_msgs',
  'max_msgs_per_subject',
  'max_msg_size',
  'duplicate_window',
  'num_replicas',
  'discard',
  'description',
  'allow_direct',
  'deny_delete',
  'deny_purge',
] as const;

const sameValue = (a: unknown, b: unknown): boolean => {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
  }
  return a === b;
};

/**
 * Creates the stream, or updates the fields that differ. Never deletes a stream and never recreates one: a change
 * of an immutable field (storage, retention) fails with a TopologyConflictError naming the field.
 */
export const ensureStream = async (jsm: JetStreamManager, config: StreamDeclaration): Promise<StreamInfo> => {
  let existing: StreamInfo;
  try {
    existing = await jsm.streams.info(config.name);
  } catch (error) {
    if (!isApiError(error, JetStreamApiCodes.StreamNotFound)) throw error;
    try {
      return await jsm.streams.add(config);
    } catch (addError) {
      // Another instance created it between our info and add: fall through to the comparison.
      if (!(addError instanceof JetStreamApiError) || !/already in use/i.test(addError.message))
        throw addError;
      existing = await jsm.streams.info(config.name);
    }
  }
  const current = existing.config as unknown as Record<string, unknown>;
  const wanted = config as unknown as Record<string, unknown>;
  const conflicts = IMMUTABLE_STREAM_FIELDS.filter(
    (f) => wanted[f] !== undefined && !sameValue(current[f], wanted[f]),
  );
  if (conflicts.length > 0) {
    throw new TopologyConflictError(
      `stream ${config.name} exists with ${conflicts.map((f) => `${f}=${String(current[f])}`).join(', ')} but ` +
        `${conflicts.map((f) => `${f}=${String(wanted[f])}`).join(', ')} was requested; ` +
        'these fields cannot be changed in place (a new stream and a migration are needed)',
    );
  }
  const changed = MUTABLE_STREAM_FIELDS.filter(
    (f) => wanted[f] !== undefined && !sameValue(current[f], wanted[f]),
  );
  if (changed.length === 0) return existing;
  const update: Record<string, unknown> = {};
  for (const f of changed) update[f] = wanted[f];
  try {
    return await jsm.streams.update(config.name, update);
  } catch (error) {
    throw new TopologyConflictError(
      `stream ${config.name}: updating ${changed.join(', ')} was refused by the server: ${(error as Error).message}`,
      { cause: error },
    );
  }
};

/** The declaration of a bounded context's stream (`BOOKINGS`, `bookings.>`) in a namespace. */
export const contextStreamConfig = (
  ns: Namespace,
  context: Context,
  options: Partial<StreamOptions> = {},
): StreamDeclaration => {
  const parsed = StreamOptionsSchema.safeParse({ ...DEFAULT_STREAM_OPTIONS, ...options });
  if (!parsed.success) {
    throw new TypeError(`invalid options for stream ${ns.stream(context)}: ${describeIssues(parsed.error)}`);
  }
  const opts = parsed.data;
  return {
    name: ns.stream(context),
    subjects: [ns.contextFilter(context)],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    num_replicas: opts.replicas,
    max_age: nanos(opts.maxAgeMs),
    max_bytes: opts.maxBytes,
    duplicate_window: nanos(opts.duplicateWindowMs),
  };
};

export const ensureContextStream = async (
  jsm: JetStreamManager,
  ns: Namespace,
  context: Context,
  options: Partial<StreamOptions> = {},
): Promise<StreamInfo> => ensureStream(jsm, contextStreamConfig(ns, context, options));

export interface ConsumerDeclaration {
  durable: string;
  /** Full subject (already namespaced). One subject: nats-server 2.9 has no multi-filter consumers. */
  filterSubject: string;
  maxDeliver: number;
  ackWaitMs: number;
  maxAckPending: number;
  /**
   * Server-side redelivery delays after an ack timeout. Note that the server then uses backoffMs[0] as ack_wait,
   * which is why the consumer runner leaves this empty and naks with its own delays instead.
   */
  backoffMs?: readonly number[];
  deliverPolicy?: 'all' | 'new';
  description?: string;
}

const ConsumerDeclarationSchema = z
  .object({
    durable: z.string().regex(/^[A-Za-z0-9_-]+$/, 'durable names use letters, digits, "-" and "_"'),
    filterSubject: z
      .string()
      .min(1)
      .refine((s) => !/\s/.test(s), 'subject has no whitespace'),
    maxDeliver: z.number().int().positive(),
    ackWaitMs: z.number().int().positive(),
    maxAckPending: z.number().int().positive(),
    backoffMs: z.array(z.number().int().positive()).optional(),
    deliverPolicy: z.enum(['all', 'new']).optional(),
    description: z.string().optional(),
  })
  .superRefine((c, ctx) => {
    if (c.backoffMs && c.backoffMs.length > 0 && c.maxDeliver <= c.backoffMs.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxDeliver'],
        message: `maxDeliver (${c.maxDeliver}) must be greater than the number of backoff steps (${c.backoffMs.length}): JetStream requires it`,
      });
    }
  });

// Changing these needs a new durable (the consumer's position would be lost): we refuse and say so.
const IMMUTABLE_CONSUMER_FIELDS = [
  'ack_policy',
  'deliver_policy',
  'replay_policy',
  'deliver_subject',
] as const;
const MUTABLE_CONSUMER_FIELDS = [
  'filter_subject',
  'max_deliver',
  'ack_wait',
  'max_ack_pending',
  'backoff',
  'description',
] as const;

const consumerConfig = (d: z.output<typeof ConsumerDeclarationSchema>): Partial<ConsumerConfig> => ({
  durable_name: d.durable,
  ack_policy: AckPolicy.Explicit,
  deliver_policy: d.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
  replay_policy: ReplayPolicy.Instant,
  filter_subject: d.filterSubject,
  max_deliver: d.maxDeliver,
  ack_wait: nanos(d.ackWaitMs),
  max_ack_pending: d.maxAckPending,
  backoff: d.backoffMs && d.backoffMs.length > 0 ? d.backoffMs.map((ms) => nanos(ms)) : undefined,
  ...(d.description ? { description: d.description } : {}),
});

const describe = (v: unknown) => (v === undefined ? 'unset' : JSON.stringify(v));

/**
 * Creates a durable pull consumer (explicit ack) or updates the fields that differ. A difference in an
 * immutable field fails with a TopologyConflictError naming the field: delete the consumer deliberately (it loses
 * its position) or choose a new durable name.
 */
export const ensureConsumer = async (
  jsm: JetStreamManager,
  stream: string,
  declaration: ConsumerDeclaration,
): Promise<ConsumerInfo> => {
  const parsed = ConsumerDeclarationSchema.safeParse(declaration);
  if (!parsed.success) {
    throw new TypeError(
      `invalid consumer ${declaration.durable} on ${stream}: ${describeIssues(parsed.error)}`,
    );
  }
  const wanted = consumerConfig(parsed.data);
  let existing: ConsumerInfo;
  try {
    existing = await jsm.consumers.info(stream, parsed.data.durable);
  } catch (error) {
    if (isApiError(error, JetStreamApiCodes.StreamNotFound)) {
      throw new Error(`stream ${stream} does not exist: its owner declares it (ensureContextStream)`, {
        cause: error,
      });
    }
    if (!isApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    return jsm.consumers.add(stream, wanted);
  }
  const current = existing.config as unknown as Record<string, unknown>;
  const want = wanted as unknown as Record<string, unknown>;
  const conflicts = IMMUTABLE_CONSUMER_FIELDS.filter((f) => !sameValue(current[f], want[f]));
  if (conflicts.length > 0) {
    throw new TopologyConflictError(
      `consumer ${parsed.data.durable} on ${stream} differs in immutable ${conflicts
        .map((f) => `${f} (is ${describe(current[f])}, wanted ${describe(want[f])})`)
        .join(', ')}: delete the consumer deliberately (it loses its position) or use a new durable name`,
    );
  }
  const changed = MUTABLE_CONSUMER_FIELDS.filter((f) => {
    // An unset backoff reads back as absent; the server defaults a missing description to absent too.
    const a = current[f] ?? (f === 'backoff' ? [] : undefined);
    const b = want[f] ?? (f === 'backoff' ? [] : undefined);
    return !sameValue(a, b) && !(f === 'description' && b === undefined);
  });
  if (changed.length === 0) return existing;
  const update: Record<string, unknown> = {};
  for (const f of changed) update[f] = want[f] ?? (f === 'backoff' ? [] : undefined);
  try {
    return await jsm.consumers.update(stream, parsed.data.durable, update);
  } catch (error) {
    throw new TopologyConflictError(
      `consumer ${parsed.data.durable} on ${stream}: updating ${changed
        .map((f) => `${f} (${describe(current[f])} → ${describe(want[f])})`)
        .join(', ')} was refused by the server: ${(error as Error).message}`,
      { cause: error },
    );
  }
};

export interface ConsumerLag {
  /** Messages matching the filter not yet delivered. */
  pending: number;
  /** Delivered, not yet acknowledged. */
  ackPending: number;
  /** Messages delivered more than once so far. */
  redelivered: number;
}

export const consumerLag = async (
  jsm: JetStreamManager,
  stream: string,
  durable: string,
): Promise<ConsumerLag> => {
  const info = await jsm.consumers.info(stream, durable);
  return { pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered };
};
