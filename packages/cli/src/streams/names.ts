import { CONTEXTS, type Context, type Namespace } from '@express-quote/contracts';
import { UsageError } from '../command.ts';

/** The contexts a trace follows, in the order of the flow. */
export const FLOW_CONTEXTS = [
  'payments',
  'bookings',
  'attribution',
  'documents',
  'notify',
  'notifications',
] as const;

export interface StreamRef {
  /** Full stream name in the namespace, e.g. `NOTIFY` or `T1A2B3_NOTIFY`. */
  name: string;
  /** Short name people type and read (`NOTIFY`). */
  label: string;
  context: Context | null;
}

const byLabel = new Map<string, Context>(
  Object.entries(CONTEXTS).map(([context, c]) => [c.stream as string, context as Context]),
);

/**
 * A stream as typed on the command line: `NOTIFY`, `notify` (the context) or the full name `T1A2B3_NOTIFY`. Names
 * of other streams (KV, object stores) are accepted as they are.
 */
export const resolveStream = (ns: Namespace, raw: string, usage?: string): StreamRef => {
  const value = raw.trim();
  if (!/^[A-Za-z0-9_-]+$/.test(value)) throw new UsageError(`invalid stream name "${raw}"`, usage);
  const asContext = value.toLowerCase() in CONTEXTS ? (value.toLowerCase() as Context) : undefined;
  const context = asContext ?? byLabel.get(value.toUpperCase());
  if (context) return { name: ns.stream(context), label: CONTEXTS[context].stream, context };
  const prefix = ns.prefix ? `${ns.prefix.toUpperCase()}_` : '';
  if (prefix && value.startsWith(prefix)) {
    const rest = byLabel.get(value.slice(prefix.length));
    if (rest) return { name: value, label: CONTEXTS[rest].stream, context: rest };
  }
  return { name: value, label: value, context: null };
};

export const contextStream = (ns: Namespace, context: Context): StreamRef => ({
  name: ns.stream(context),
  label: CONTEXTS[context].stream,
  context,
});
