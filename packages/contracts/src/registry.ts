import type { z } from 'zod';
import { type Envelope, EnvelopeSchema } from './envelope.ts';
import { newEventId } from './ids.ts';
import { CONTEXTS, type Context } from './streams.ts';

/** Turns the data of version `from` into the data of version `from + 1`. */
export type Upcaster = (data: unknown) => unknown;

export interface EventDefinition<T extends string = string, S extends z.ZodType = z.ZodType> {
  readonly type: T;
  readonly context: Context;
  /** Current schema version; older versions are upcast to it on read. */
  readonly version: number;
  readonly schema: S;
  /** upcasters[v] turns version v into v + 1. */
  readonly upcasters: Readonly<Record<number, Upcaster>>;
  /** Subject relative to the namespace: `<context root>.<type>`. */
  readonly subject: string;
}

export type EventOf<D extends EventDefinition> = Envelope<D['type'], z.output<D['schema']>>;
export type DataOf<D extends EventDefinition> = z.output<D['schema']>;

const registry = new Map<string, EventDefinition>();

export const defineEvent = <T extends string, S extends z.ZodType>(def: {
  type: T;
  context: Context;
  schema: S;
  version?: number;
  upcasters?: Record<number, Upcaster>;
}): EventDefinition<T, S> => {
  if (registry.has(def.type)) throw new Error(`event type ${def.type} defined twice`);
  const version = def.version ?? 1;
  for (let v = 1; v < version; v++) {
    if (!def.upcasters?.[v]) throw new Error(`event ${def.type} v${version} lacks an upcaster from v${v}`);
  }
  const full: EventDefinition<T, S> = {
    type: def.type,
    context: def.context,
    version,
    schema: def.schema,
    upcasters: def.upcasters ?? {},
    subject: `${CONTEXTS[def.context].root}.${def.type}`,
  };
  registry.set(def.type, full);
  return full;
};

export const eventDefinition = (type: string): EventDefinition | undefined => registry.get(type);
export const registeredEventTypes = (): string[] => [...registry.keys()].sort();

/** A message that cannot be turned into a known, valid event. Never worth a retry. */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
  readonly issues: readonly string[];
  constructor(message: string, issues: readonly string[] = []) {
    super(issues.length ? `${message}: ${issues.join('; ')}` : message);
    this.issues = issues;
  }
}

const describeIssues = (error: z.ZodError): string[] =>
  error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);

/** Upcasts `data` written at `fromVersion` to the definition's current version. */
export const upcast = (def: EventDefinition, fromVersion: number, data: unknown): unknown => {
  if (fromVersion > def.version) {
    throw new ContractViolation(
      `${def.type} v${fromVersion} is newer than this code understands (v${def.version})`,
    );
  }
  let current = data;
  for (let v = fromVersion; v < def.version; v++) {
    const step = def.upcasters[v];
    if (!step) throw new ContractViolation(`${def.type}: no upcaster from v${v}`);
    current = step(current);
  }
  return current;
};

/**
 * Validates an envelope and its data against the registry, upcasting old versions. When `expected` is given,
 * the event must be one of those definitions.
 */
export function parseEvent<D extends EventDefinition>(raw: unknown, expected: readonly D[]): EventOf<D>;
export function parseEvent(raw: unknown): Envelope;
export function parseEvent(raw: unknown, expected?: readonly EventDefinition[]): Envelope {
  const envelope = EnvelopeSchema.safeParse(raw);
  if (!envelope.success) throw new ContractViolation('invalid envelope', describeIssues(envelope.error));
  const def = expected
    ? expected.find((d) => d.type === envelope.data.type)
    : registry.get(envelope.data.type);
  if (!def) {
    throw new ContractViolation(
      expected
        ? `unexpected event type ${envelope.data.type} (expected ${expected.map((d) => d.type).join(', ')})`
        : `unknown event type ${envelope.data.type}`,
    );
  }
  const data = def.schema.safeParse(upcast(def, envelope.data.version, envelope.data.data));
  if (!data.success) throw new ContractViolation(`invalid ${def.type} data`, describeIssues(data.error));
  return { ...envelope.data, version: def.version, data: data.data };
}

/** What caused a new event: the event it reacts to, or an external id (a Stripe event id) that starts a chain. */
export type Cause = Pick<Envelope, 'id' | 'correlationId'> | { externalId: string };

export const createEvent = <D extends EventDefinition>(
  def: D,
  data: z.input<D['schema']>,
  options: { cause: Cause; id?: string; occurredAt?: Date | string; streamId?: string },
): EventOf<D> => {
  const parsed = def.schema.safeParse(data);
  if (!parsed.success) throw new ContractViolation(`invalid ${def.type} data`, describeIssues(parsed.error));
  const cause = options.cause;
  const causationId = 'externalId' in cause ? cause.externalId : cause.id;
  const correlationId = 'externalId' in cause ? cause.externalId : cause.correlationId;
  const occurredAt =
    options.occurredAt instanceof Date
      ? options.occurredAt.toISOString()
      : (options.occurredAt ?? new Date().toISOString());
  return {
    id: options.id ?? newEventId(),
    type: def.type,
    version: def.version,
    occurredAt,
    ...(options.streamId ? { streamId: options.streamId } : {}),
    causationId,
    correlationId,
    data: parsed.data,
  } as EventOf<D>;
};

export const isEvent = <D extends EventDefinition>(event: Envelope, def: D): event is EventOf<D> =>
  event.type === def.type;
