import {
  type Cause,
  createEvent,
  deterministicId,
  type Envelope,
  eventDefinition,
} from '@express-quote/contracts';
import type { DomainEvent } from '@express-quote/eventstore';

/**
 * Decider events → envelopes for one attribution stream. Ids derive from (cause, stream, what the command was,
 * position): the same cause handled again decides the same events with the same ids, so an append that already
 * happened fails with DuplicateEventError instead of writing twice. correlationId and causationId come from the
 * cause (the consumed booking event, or the proposal a professional answers), so the Stripe event id flows
 * through every event we write.
 */
export const toEnvelopes = (
  events: readonly DomainEvent[],
  options: { cause: Cause; streamId: string; now: Date; key: string },
): Envelope[] => {
  const causeId = 'externalId' in options.cause ? options.cause.externalId : options.cause.id;
  return events.map((event, index) => {
    const def = eventDefinition(event.type);
    if (!def) throw new Error(`event type ${event.type} is not registered in the contracts`);
    return createEvent(def, event.data as never, {
      cause: options.cause,
      id: deterministicId('attribution', causeId, options.streamId, options.key, index, event.type),
      occurredAt: options.now,
      streamId: options.streamId,
    });
  });
};
