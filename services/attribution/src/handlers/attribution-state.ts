import { type EventStore, foldEvents, type StoredEvent } from '@express-quote/eventstore';
import type { Kysely } from 'kysely';
import { type AttributionEvent, type AttributionState, attributionDecider } from '../domain/attribution.ts';
import { attributionStream } from '../domain/ids.ts';

export interface LoadedAttribution {
  state: AttributionState;
  events: StoredEvent[];
}

/** The attribution's events and the state they fold to (an unknown id gives status NONE and no events). */
export const loadAttribution = async (
  store: EventStore,
  attributionId: string,
  // biome-ignore lint/suspicious/noExplicitAny: the caller's transaction
  trx?: Kysely<any>,
): Promise<LoadedAttribution> => {
  const events = await store.readStream(attributionStream(attributionId), trx ? { trx } : {});
  // Stored events were validated against their schema on append and upcast on read.
  return { events, state: foldEvents(attributionDecider, events as unknown as AttributionEvent[]) };
};

/** The ProfessionalProposed a link answers: the cause of the answer's events (correlation flows from it). */
export const proposalEventOf = (
  events: readonly StoredEvent[],
  professionalId: string,
  round: number,
): StoredEvent | undefined =>
  events.findLast(
    (e) =>
      e.type === 'attribution.professional_proposed' &&
      (e.data as { professionalId: string; round: number }).professionalId === professionalId &&
      (e.data as { round: number }).round === round,
  );
