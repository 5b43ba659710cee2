import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';

/** Time-ordered id for a new fact (envelope id, JetStream msgID). */
export const newEventId = (): string => uuidv7();

// Fixed namespace for every id we derive: the same inputs give the same id in every service and every replay.
const EXPRESS_QUOTE_NAMESPACE = '6f1c3c52-8a3e-4b0e-9d55-7b9e2a4f1c10';

/**
 * Deterministic id (uuid v5) from the parts that identify an effect, e.g. (trigger event id, recipient, channel,
 * template). A handler without an event store derives its output ids this way so that a redelivered input
 * republishes the *same* message ids and JetStream's duplicate window absorbs them.
 */
export const deterministicId = (...parts: ReadonlyArray<string | number>): string =>
  uuidv5(parts.map((p) => String(p)).join('\u001f'), EXPRESS_QUOTE_NAMESPACE);
