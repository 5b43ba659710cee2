import type { Context, Namespace } from '@express-quote/contracts';
import {
  JetStreamApiCodes,
  type JetStreamClient,
  type JetStreamManager,
  type PubAck,
  type StreamInfo,
} from '@nats-io/jetstream';
import { z } from 'zod';
import {
  contextStreamConfig,
  ensureStream,
  isApiError,
  type StreamDeclaration,
  type StreamOptions,
} from './topology.ts';

/** Where the consumer runner writes why it terminated a message (`<ns>.dlq.rejected`). */
export const dlqRejectedSubject = (ns: Namespace): string => ns.subject('dlq.rejected');

/**
 * The advisories JetStream publishes when it gives up on a message of `stream`. Explicit stream names rather than
 * a `>` wildcard: a test namespace's DLQ and production's never capture each other's advisories.
 */
export const advisorySubjects = (stream: string): string[] => [
  `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.*`,
  `$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.${stream}.*`,
];

/** Why a consumer runner terminated a message; joined with the MSG_TERMINATED advisory by stream + sequence. */
export const RejectionRecord = z.object({
  stream: z.string().min(1),
  streamSequence: z.number().int().positive(),
  consumer: z.string().min(1),
  subject: z.string().min(1),
  reason: z.string(),
  at: z.string(),
  deliveries: z.number().int().positive(),
  eventType: z.string().nullable(),
  eventId: z.string().nullable(),
});
export type RejectionRecord = z.infer<typeof RejectionRecord>;

const MAX_CONVERGE_ATTEMPTS = 5;

/**
 * Creates the namespace's DLQ stream or adds the given contexts' advisory subjects to it. Subjects only ever get
 * added (several services declare the contexts they consume); concurrent declarations converge because each one
 * re-reads the stream and retries until its subjects are present.
 */
export const ensureDlqStream = async (
  jsm: JetStreamManager,
  ns: Namespace,
  contexts: readonly Context[],
  options: Partial<StreamOptions> = {},
): Promise<StreamInfo> => {
  const base = contextStreamConfig(ns, 'dlq', options);
  const wanted = [...base.subjects, ...contexts.flatMap((c) => advisorySubjects(ns.stream(c)))];
  for (let attempt = 0; attempt < MAX_CONVERGE_ATTEMPTS; attempt++) {
    let current: string[] | undefined;
    try {
      current = (await jsm.streams.info(base.name)).config.subjects ?? [];
    } catch (error) {
      if (!isApiError(error, JetStreamApiCodes.StreamNotFound)) throw error;
    }
    // An existing DLQ keeps the limits its owner gave it unless this call states some explicitly.
    const declaration: StreamDeclaration = current
      ? { name: base.name, subjects: [...new Set([...current, ...wanted])], ...explicitLimits(base, options) }
      : { ...base, subjects: wanted };
    const info = await ensureStream(jsm, declaration);
    const stored = new Set(info.config.subjects);
    if (wanted.every((s) => stored.has(s))) return info;
  }
  throw new Error(`DLQ stream ${base.name}: could not add ${wanted.join(', ')} after concurrent updates`);
};

const explicitLimits = (
  base: StreamDeclaration,
  options: Partial<StreamOptions>,
): Partial<StreamDeclaration> => ({
  ...(options.replicas !== undefined ? { num_replicas: base.num_replicas } : {}),
  ...(options.maxAgeMs !== undefined ? { max_age: base.max_age } : {}),
  ...(options.maxBytes !== undefined ? { max_bytes: base.max_bytes } : {}),
  ...(options.duplicateWindowMs !== undefined ? { duplicate_window: base.duplicate_window } : {}),
});

/**
 * Writes a rejection record. The msgID is derived from (stream, sequence, consumer, delivery) so that a retried
 * write after a lost ack is dropped by the duplicate window instead of doubling the record.
 */
export const recordRejection = (
  js: JetStreamClient,
  ns: Namespace,
  record: RejectionRecord,
): Promise<PubAck> =>
  js.publish(dlqRejectedSubject(ns), JSON.stringify(record), {
    msgID: `dlq-rejected:${record.stream}:${record.streamSequence}:${record.consumer}:${record.deliveries}`,
  });
