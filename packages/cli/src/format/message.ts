import type { Namespace } from '@express-quote/contracts';
import { EqHeaders } from '@express-quote/messaging';
import type { JsMsg } from '@nats-io/jetstream';
import { summarizeEvent } from './event-summary.ts';
import { parisTime } from './time.ts';

export interface MessageView {
  stream: string;
  seq: number;
  subject: string;
  storedAt: string;
  redeliveredFrom: string | null;
  /** The envelope (or the raw text when the payload is not JSON). */
  payload: unknown;
}

export const messageView = (m: JsMsg, stream: string, ns: Namespace): MessageView => {
  let payload: unknown;
  try {
    payload = m.json();
  } catch {
    payload = m.string();
  }
  return {
    stream,
    seq: m.seq,
    subject: ns.relative(m.subject),
    storedAt: m.time.toISOString(),
    redeliveredFrom: m.headers?.get(EqHeaders.RedriveOf) || null,
    payload,
  };
};

/** `#42  2026-03-14 10:02:03  bookings.booking.confirmed  booking.confirmed  EQ-2026-000123 …  corr evt_…`. */
export const messageLine = (v: MessageView): string[] => {
  const e = (typeof v.payload === 'object' && v.payload !== null ? v.payload : {}) as {
    id?: string;
    type?: string;
    correlationId?: string;
    data?: unknown;
  };
  return [
    `#${v.seq}`,
    parisTime(v.storedAt),
    v.subject,
    e.type ?? '(not an event)',
    `${e.type ? summarizeEvent(e.type, e.data) : String(v.payload).slice(0, 80)}${v.redeliveredFrom ? ` [redriven from ${v.redeliveredFrom}]` : ''}`,
    e.correlationId ? `corr ${e.correlationId}` : '',
    e.id ? `id ${e.id}` : '',
  ];
};
