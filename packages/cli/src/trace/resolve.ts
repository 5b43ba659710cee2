import { BookingConfirmed, BookingDrafted, type Namespace } from '@express-quote/contracts';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { type Kysely, sql } from 'kysely';
import { tableExists } from '../db/catalog.ts';
import { scanStream } from '../streams/scan.ts';
import type { TraceSubject } from './model.ts';

// biome-ignore lint/suspicious/noExplicitAny: reads the services' schemas
type AnyDb = Kysely<any>;

const REFERENCE = /^EQ-\d{4}-\d{6}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const classifyQuery = (query: string): TraceSubject['kind'] => {
  if (/^evt_[A-Za-z0-9]+$/.test(query)) return 'stripe-event';
  if (REFERENCE.test(query)) return 'reference';
  if (UUID.test(query)) return 'uuid';
  return 'correlation';
};

/** Every correlation id of a booking's event-store stream: the payment's chain, and each refund's. */
const bookingCorrelations = async (db: AnyDb, bookingId: string): Promise<string[]> => {
  if (!(await tableExists(db, 'booking', 'events'))) return [];
  const rows = await db
    .withSchema('booking')
    .selectFrom('events')
    .select(sql<string>`metadata->>'correlationId'`.as('correlation_id'))
    .where('stream_id', '=', `booking-${bookingId}`)
    .orderBy('stream_version')
    .execute();
  return [...new Set(rows.map((r) => r.correlation_id))];
};

const bookingIdByReference = async (db: AnyDb, reference: string): Promise<[string, string] | null> => {
  if (await tableExists(db, 'booking', 'bookings_view')) {
    const row = await db
      .withSchema('booking')
      .selectFrom('bookings_view')
      .select('booking_id')
      .where('reference', '=', reference)
      .executeTakeFirst();
    if (row) return [row.booking_id as string, 'booking.bookings_view'];
  }
  if (await tableExists(db, 'booking', 'events')) {
    const row = await db
      .withSchema('booking')
      .selectFrom('events')
      .select(sql<string>`data->>'bookingId'`.as('booking_id'))
      .where('type', '=', BookingDrafted.type)
      .where(sql<boolean>`data->>'reference' = ${reference}`)
      .executeTakeFirst();
    if (row) return [row.booking_id, 'booking event store'];
  }
  return null;
};

/** A notification id or an envelope id stored somewhere we can read: its correlation (and booking). */
const byOtherId = async (
  db: AnyDb,
  id: string,
): Promise<{ correlationId: string; bookingId: string | null; where: string } | null> => {
  if (await tableExists(db, 'notifications', 'notification_outbox')) {
    const row = await db
      .withSchema('notifications')
      .selectFrom('notification_outbox')
      .select(['correlation_id', 'booking_id'])
      .where('notification_id', '=', id)
      .executeTakeFirst();
    if (row)
      return {
        correlationId: row.correlation_id,
        bookingId: row.booking_id,
        where: 'notification id (notifications.notification_outbox)',
      };
  }
  for (const schema of ['booking', 'attribution']) {
    if (!(await tableExists(db, schema, 'events'))) continue;
    const row = await db
      .withSchema(schema)
      .selectFrom('events')
      .select([
        sql<string>`metadata->>'correlationId'`.as('correlation_id'),
        sql<string | null>`data->>'bookingId'`.as('booking_id'),
      ])
      .where('event_id', '=', id)
      .executeTakeFirst();
    if (row)
      return {
        correlationId: row.correlation_id,
        bookingId: row.booking_id,
        where: `event id (${schema} event store)`,
      };
  }
  return null;
};

/** Looks for the booking in the BOOKINGS stream when no database says where it is. */
const bookingFromStream = async (
  nats: { js: JetStreamClient; jsm: JetStreamManager; ns: Namespace },
  match: (data: { bookingId?: string; reference?: string }) => boolean,
  signal?: AbortSignal,
): Promise<{ bookingId: string; reference: string; correlationId: string } | null> => {
  for (const def of [BookingConfirmed, BookingDrafted]) {
    for await (const m of scanStream(nats.js, nats.jsm, nats.ns.stream('bookings'), {
      filter: nats.ns.subject(def.subject),
      ...(signal ? { signal } : {}),
    })) {
      try {
        const e = m.json<{ correlationId: string; data: { bookingId?: string; reference?: string } }>();
        if (match(e.data)) {
          return {
            bookingId: e.data.bookingId!,
            reference: e.data.reference!,
            correlationId: e.correlationId,
          };
        }
      } catch {
        // not JSON: not ours to judge here
      }
    }
  }
  return null;
};

/**
 * Turns what the customer or support gave (a booking reference, a booking id, a Stripe event id, a notification
 * id, a correlation id) into the correlation ids to follow. A Stripe event id IS the correlation id of its chain.
 */
export const resolveSubject = async (
  query: string,
  db: AnyDb | null,
  nats: { js: JetStreamClient; jsm: JetStreamManager; ns: Namespace },
  signal?: AbortSignal,
): Promise<TraceSubject> => {
  const kind = classifyQuery(query);
  const subject: TraceSubject = {
    query,
    kind,
    correlationIds: [],
    bookingId: null,
    reference: null,
    resolution: [],
  };
  const addCorrelations = (ids: string[]) => {
    for (const id of ids) if (!subject.correlationIds.includes(id)) subject.correlationIds.push(id);
  };

  if (kind === 'reference') {
    subject.reference = query;
    const found = db ? await bookingIdByReference(db, query) : null;
    if (found) {
      subject.bookingId = found[0];
      subject.resolution.push(`reference ${query} → booking ${found[0]} (${found[1]})`);
    }
  } else if (kind === 'uuid') {
    const correlations = db ? await bookingCorrelations(db, query) : [];
    if (correlations.length > 0) {
      subject.bookingId = query;
      addCorrelations(correlations);
      subject.resolution.push(`booking ${query} (booking event store)`);
    } else {
      const other = db ? await byOtherId(db, query) : null;
      if (other) {
        addCorrelations([other.correlationId]);
        subject.bookingId = other.bookingId;
        subject.resolution.push(`${other.where} → correlation ${other.correlationId}`);
      }
    }
  } else {
    addCorrelations([query]);
    subject.resolution.push(
      kind === 'stripe-event'
        ? `Stripe event ${query} is the correlation id`
        : `followed as a correlation id`,
    );
  }

  if (subject.bookingId && subject.correlationIds.length === 0 && db) {
    addCorrelations(await bookingCorrelations(db, subject.bookingId));
  }
  if ((kind === 'reference' || kind === 'uuid') && subject.correlationIds.length === 0) {
    const found = await bookingFromStream(
      nats,
      (d) => (kind === 'reference' ? d.reference === query : d.bookingId === query),
      signal,
    );
    if (found) {
      subject.bookingId = found.bookingId;
      subject.reference = found.reference;
      addCorrelations([found.correlationId]);
      subject.resolution.push(
        `${query} → booking ${found.bookingId}, correlation ${found.correlationId} (BOOKINGS stream)`,
      );
    } else if (kind === 'uuid') {
      // Unknown anywhere we can read: it may still be a correlation id (a quote's chain).
      addCorrelations([query]);
      subject.resolution.push(`${query} is not a known booking: followed as a correlation id`);
    }
  }
  return subject;
};
