import { deterministicId, type Envelope, eventDefinition } from '@express-quote/contracts';
import type { Transaction } from 'kysely';
import { ConcurrencyError } from './errors.ts';
import type { EventStore } from './store.ts';
import type { StoredEvent } from './stored-event.ts';

/** What a decider emits: a plain fact, no ids or metadata (those are added by `toEnvelopes`). */
export interface DomainEvent<T extends string = string, D = unknown> {
  type: T;
  data: D;
}

/**
 * An aggregate's business logic as pure functions (Emmett's shape). `decide` throws a typed error for an
 * illegal transition; time comes in through the command, never from the clock.
 */
export interface Decider<Command, Event extends DomainEvent, State> {
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
  decide: (command: Command, state: State) => Event[];
}

/** Where a command comes from, carried onto the envelopes of the events it produces. */
export interface CommandMetadata {
  /** Id of what caused the command: the consumed event's id, or an external id (Stripe event id). */
  causationId: string;
  correlationId: string;
  /** Business time of the command; becomes the events' occurredAt. */
  now?: Date | string;
}

/** A command the default `envelopesFromCommand` can turn events of into envelopes. */
export interface CommandWithMetadata {
  type: string;
  data?: unknown;
  metadata: CommandMetadata;
}

export interface EnvelopeContext<Command> {
  command: Command;
  streamId: string;
}

export type ToEnvelopes<Command, Event extends DomainEvent> = (
  events: Event[],
  context: EnvelopeContext<Command>,
) => Envelope[];

/** JSON with object keys sorted, so equal data always gives the same text. */
const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  ) ?? 'undefined';

/**
 * Default domain event → envelope mapping. Ids derive from (cause, command type, command data, stream,
 * index): a redelivered command that decides the same events again collides with what it already stored and
 * the append fails with DuplicateEventError, which the caller treats as "already done" (exactly-once effect),
 * while two different commands caused by the same event get different ids. After a ConcurrencyError nothing
 * was written, so the retry reuses the same ids harmlessly. The schema version is the registry's current one;
 * occurredAt is the command's `now` (the clock only when it has none).
 */
export const envelopesFromCommand = <Event extends DomainEvent>(
  events: Event[],
  { command, streamId }: EnvelopeContext<CommandWithMetadata>,
): Envelope[] => {
  const { causationId, correlationId, now } = command.metadata;
  const occurredAt = now instanceof Date ? now.toISOString() : (now ?? new Date().toISOString());
  return events.map((event, index) => ({
    id: deterministicId(
      'eventstore',
      causationId,
      command.type,
      canonicalJson(command.data),
      streamId,
      index,
    ),
    type: event.type,
    version: eventDefinition(event.type)?.version ?? 1,
    occurredAt,
    streamId,
    causationId,
    correlationId,
    data: event.data,
  }));
};

/** State after folding `events` over the decider's initial state. */
export const foldEvents = <Event extends DomainEvent, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State => events.reduce(decider.evolve, decider.initialState());

interface HandleCommandBase<Command, Event extends DomainEvent, State> {
  store: EventStore;
  streamId: string;
  decider: Decider<Command, Event, State>;
  command: Command;
  /** Reload-and-decide attempts after a ConcurrencyError before giving up with it. Default 3. */
  maxRetries?: number;
  /**
   * Load and append inside the caller's transaction (READ COMMITTED, so a retry sees the newer events). As for
   * append, call it before the transaction's own writes.
   */
  // biome-ignore lint/suspicious/noExplicitAny: the caller's transaction over its own typed database
  trx?: Transaction<any>;
}

export type HandleCommandOptions<Command, Event extends DomainEvent, State> = HandleCommandBase<
  Command,
  Event,
  State
> &
  ([Command] extends [CommandWithMetadata]
    ? { toEnvelopes?: ToEnvelopes<Command, Event> }
    : { toEnvelopes: ToEnvelopes<Command, Event> });

export interface HandleCommandResult<State> {
  /** What was appended; empty when the decider had nothing to say. */
  events: StoredEvent[];
  /** State after the new events. */
  state: State;
  nextVersion: number;
}

/** Load the stream, fold, decide, append at the loaded version; on a conflict, reload and decide again. */
export const handleCommand = async <Command, Event extends DomainEvent, State>(
  options: HandleCommandOptions<Command, Event, State>,
): Promise<HandleCommandResult<State>> => {
  const { store, streamId, decider, command, trx } = options;
  const maxRetries = options.maxRetries ?? 3;
  const toEnvelopes =
    (options as { toEnvelopes?: ToEnvelopes<Command, Event> }).toEnvelopes ??
    (envelopesFromCommand as unknown as ToEnvelopes<Command, Event>);
  for (let attempt = 0; ; attempt++) {
    const history = await store.readStream(streamId, trx ? { trx } : {});
    // Stored events were validated against their schema on append and upcast on read.
    const state = foldEvents(decider, history as unknown as Event[]);
    const version = history.at(-1)?.streamVersion ?? 0;
    const decided = decider.decide(command, state);
    if (decided.length === 0) return { events: [], state, nextVersion: version };
    try {
      const result = await store.append(streamId, toEnvelopes(decided, { command, streamId }), {
        expectedVersion: version === 0 ? 'no_stream' : version,
        ...(trx ? { trx } : {}),
      });
      return {
        events: result.events,
        state: decided.reduce(decider.evolve, state),
        nextVersion: result.nextVersion,
      };
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= maxRetries) throw error;
    }
  }
};
