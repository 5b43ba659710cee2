import { CONTEXTS, type Context, type Namespace } from '@express-quote/contracts';
import { DeliverPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';

/** One message seen on a stream, reduced to what a person follows a booking by. */
export interface Observed {
  readonly at: number;
  readonly stream: string;
  readonly subject: string;
  readonly type: string;
  readonly correlationId: string;
  // biome-ignore lint/suspicious/noExplicitAny: the demo reads any event's data for display
  readonly data: any;
}

const WATCHED: readonly Context[] = [
  'payments',
  'bookings',
  'attribution',
  'documents',
  'notify',
  'notifications',
];

/**
 * Follows every stream of a namespace from `since` and keeps the messages of one correlation id (the Stripe event
 * id that starts the chain). Ordered consumers: ephemeral, nothing left behind on the server.
 */
export const watchStreams = async (
  js: JetStreamClient,
  jsm: JetStreamManager,
  ns: Namespace,
  since: Date,
  onEvent: (event: Observed) => void,
): Promise<{ stop(): void; observed: Observed[]; follow(correlationId: string): void }> => {
  const observed: Observed[] = [];
  const pending: Observed[] = [];
  let correlation: string | null = null;
  const stops: Array<() => void> = [];
  for (const context of WATCHED) {
    const stream = ns.stream(context);
    try {
      await jsm.streams.info(stream);
    } catch {
      continue; // a service that is not part of this run declares no stream
    }
    const consumer = await js.consumers.get(stream, {
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: since.toISOString(),
    });
    const messages = await consumer.consume();
    stops.push(() => messages.stop());
    void (async () => {
      for await (const m of messages) {
        let event: { type?: string; correlationId?: string; data?: unknown };
        try {
          event = m.json();
        } catch {
          continue;
        }
        const item: Observed = {
          at: Date.now(),
          stream: CONTEXTS[context].stream,
          subject: ns.relative(m.subject),
          type: event.type ?? '(untyped)',
          correlationId: event.correlationId ?? '',
          data: event.data,
        };
        if (correlation === null) pending.push(item);
        else if (item.correlationId === correlation) {
          observed.push(item);
          onEvent(item);
        }
      }
    })();
  }
  return {
    observed,
    stop: () => {
      for (const s of stops) s();
    },
    follow(correlationId) {
      correlation = correlationId;
      for (const item of pending.splice(0)) {
        if (item.correlationId === correlationId) {
          observed.push(item);
          onEvent(item);
        }
      }
    },
  };
};

/** One line a person can read: what happened, in which stream, with the detail that matters for that type. */
export const describe = (e: Observed, t0: number): string => {
  const d = e.data ?? {};
  const detail =
    e.type === 'notification.requested'
      ? `${d.channel} ${d.template} → ${d.recipient?.kind}${d.attachments?.length ? ` (${d.attachments.length} PDF)` : ''}`
      : e.type.startsWith('notification.')
        ? `${d.channel} ${d.notificationId?.slice(0, 8)}${d.provider ? ` via ${d.provider}` : ''}${d.reason ? ` (${d.reason})` : ''}`
        : e.type === 'documents.generated'
          ? `${d.audience}: ${(d.documents ?? []).map((x: { kind: string }) => x.kind).join(', ')}`
          : e.type === 'booking.confirmed'
            ? `${d.reference} ${d.serviceType} ${d.schedule?.date} ${(d.amountPaidCents / 100).toFixed(2)} €`
            : e.type === 'attribution.professional_proposed'
              ? `${d.professional?.companyName} at ${Number(d.distanceKm).toFixed(1)} km`
              : '';
  return `  +${String(e.at - t0).padStart(5)} ms  ${e.stream.padEnd(13)} ${e.type.padEnd(34)} ${detail}`;
};
