import {
  ContractViolation,
  createEvent,
  type DataOf,
  DocumentsFailed,
  deterministicId,
  type Envelope,
  type EventDefinition,
  parseEvent,
} from '@express-quote/contracts';
import { PermanentError, type Publisher } from '@express-quote/messaging';
import { z } from 'zod';
import type { DocumentsMetrics } from '../metrics.ts';

/**
 * The consumer runner checks the envelope and the type against these definitions but leaves the data to the
 * handler: a malformed BookingConfirmed must still produce a `documents.failed` event with its reason, which a
 * rejection inside the runner would not.
 */
export const envelopeOnly = <D extends EventDefinition>(
  def: D,
): EventDefinition<D['type'], z.ZodUnknown> => ({
  ...def,
  schema: z.unknown(),
});

const Uuid = z.uuid();

/** The booking a (possibly malformed) source event is about, when it can be told. */
const bookingIdOf = (data: unknown): string | null => {
  const record = (typeof data === 'object' && data !== null ? data : {}) as {
    bookingId?: unknown;
    booking?: { bookingId?: unknown };
  };
  const candidate = record.bookingId ?? record.booking?.bookingId;
  return Uuid.safeParse(candidate).success ? (candidate as string) : null;
};

export interface FailureDeps {
  publisher: Publisher;
  metrics: DocumentsMetrics;
  now: () => Date;
}

/**
 * Publishes `documents.failed` for a source event whose documents cannot be produced, then terminates it with a
 * PermanentError (no retry can fix the input). The failure's id derives from the source event, so a redelivery
 * republishes the same message. If the publish itself fails, that error propagates and the event is retried.
 */
export const failSourceEvent = async (deps: FailureDeps, event: Envelope, reason: string): Promise<never> => {
  const failed = createEvent(
    DocumentsFailed,
    { sourceEventId: event.id, sourceEventType: event.type, bookingId: bookingIdOf(event.data), reason },
    { cause: event, id: deterministicId(event.id, DocumentsFailed.type), occurredAt: deps.now() },
  );
  await deps.publisher.publish(failed);
  deps.metrics.failed(event.type);
  throw new PermanentError(`documents not produced for ${event.type} ${event.id}: ${reason}`);
};

/** Strictly validates a source event's data; a violation or an inconsistency becomes `documents.failed`. */
export const parseSourceEvent = async <D extends EventDefinition>(
  deps: FailureDeps,
  event: Envelope,
  def: D,
  inconsistencies: (data: DataOf<D>) => string[],
): Promise<DataOf<D>> => {
  let data: DataOf<D>;
  try {
    data = parseEvent(event, [def]).data as DataOf<D>;
  } catch (error) {
    if (!(error instanceof ContractViolation)) throw error;
    return failSourceEvent(deps, event, error.message);
  }
  const problems = inconsistencies(data);
  if (problems.length > 0)
    return failSourceEvent(deps, event, `inconsistent ${def.type}: ${problems.join('; ')}`);
  return data;
};
