import type { NotificationsDb } from '../database.ts';
import type { Cancellation } from '../domain/reminder.ts';
import { lockBookingReminders } from './booking-lock.ts';

export type CancellationScope = 'booking' | 'attribution';

export interface CancellationFact {
  scope: CancellationScope;
  /** The booking id or the attribution id. */
  scopeId: string;
  bookingId: string;
  /** The upstream reason (REFUNDED, CUSTOMER_REQUEST, STAFF). */
  reason: string;
  eventId: string;
  cancelledAt: string;
}

/** What a cancelled reminder records as its reason, e.g. `BOOKING_CANCELLED:REFUNDED`. */
export const cancellationReason = (scope: CancellationScope, reason: string): string =>
  `${scope === 'booking' ? 'BOOKING' : 'ATTRIBUTION'}_CANCELLED:${reason}`;

/**
 * Records a cancellation and cancels the reminders still scheduled under it, in one transaction. Kept forever, so
 * reminders scheduled later (the confirmation overtaken by its cancellation, a replay) are born cancelled and the
 * scheduler refuses to fire anything under it. A redelivery changes nothing.
 */
export const recordCancellation = (
  db: NotificationsDb,
  fact: CancellationFact,
  now: Date,
): Promise<{ firstTime: boolean; cancelledReminders: number }> =>
  db.transaction().execute(async (trx) => {
    await lockBookingReminders(trx, fact.bookingId);
    const inserted = await trx
      .insertInto('cancellations')
      .values({
        scope: fact.scope,
        scope_id: fact.scopeId,
        booking_id: fact.bookingId,
        reason: fact.reason,
        event_id: fact.eventId,
        cancelled_at: fact.cancelledAt,
        recorded_at: now,
      })
      .onConflict((oc) => oc.columns(['scope', 'scope_id']).doNothing())
      .returning('scope')
      .executeTakeFirst();
    const cancelled = await trx
      .updateTable('reminders')
      .set({ state: 'CANCELLED', reason: cancellationReason(fact.scope, fact.reason), settled_at: now })
      .where(fact.scope === 'booking' ? 'booking_id' : 'attribution_id', '=', fact.scopeId)
      .where('state', '=', 'SCHEDULED')
      .returning('reminder_id')
      .execute();
    return { firstTime: Boolean(inserted), cancelledReminders: cancelled.length };
  });

export interface KnownCancellations {
  booking: ReadonlyMap<string, string>;
  attribution: ReadonlyMap<string, string>;
}

/** Cancellations recorded for these bookings and attributions, as reminder reasons. */
export const knownCancellations = async (
  db: NotificationsDb,
  bookingIds: readonly string[],
  attributionIds: readonly string[],
): Promise<KnownCancellations> => {
  const booking = new Map<string, string>();
  const attribution = new Map<string, string>();
  if (bookingIds.length === 0 && attributionIds.length === 0) return { booking, attribution };
  const rows = await db
    .selectFrom('cancellations')
    .select(['scope', 'scope_id', 'reason'])
    .where((eb) =>
      eb.or([
        ...(bookingIds.length > 0
          ? [eb.and([eb('scope', '=', 'booking'), eb('scope_id', 'in', bookingIds)])]
          : []),
        ...(attributionIds.length > 0
          ? [eb.and([eb('scope', '=', 'attribution'), eb('scope_id', 'in', attributionIds)])]
          : []),
      ]),
    )
    .execute();
  for (const row of rows) {
    const scope = row.scope as CancellationScope;
    (scope === 'booking' ? booking : attribution).set(row.scope_id, cancellationReason(scope, row.reason));
  }
  return { booking, attribution };
};

/** A booking's cancellation wins over its attribution's (it is the cause of both). */
export const cancellationOf = (
  known: KnownCancellations,
  reminder: { bookingId: string; attributionId: string | null },
): Cancellation =>
  known.booking.get(reminder.bookingId) ??
  (reminder.attributionId ? known.attribution.get(reminder.attributionId) : undefined) ??
  null;
