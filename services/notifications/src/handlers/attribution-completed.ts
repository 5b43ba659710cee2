import type { AttributionCompleted, EventOf } from '@express-quote/contracts';
import { type HandlerContext, RetryableError } from '@express-quote/messaging';
import { findBookingSnapshot } from '../bookings/booking-snapshots.ts';
import { planAttributionCompleted } from '../domain/plan-attribution-completed.ts';
import { acceptPlan } from '../outbox/accept-plan.ts';
import { releaseDue } from '../outbox/release-due.ts';
import { cancellationOf, knownCancellations } from '../reminders/cancellations.ts';
import { listStaff } from '../staff/staff-directory.ts';
import type { PlannerDeps } from './planner-deps.ts';

/**
 * attribution.completed (always appended with professional_accepted, and the one of the two that carries the
 * winner and the other professionals) → winner, staff, customer and the other professionals told; the winner's
 * day-of reminder scheduled with the plan.
 */
export const handleAttributionCompleted =
  (deps: PlannerDeps) =>
  async (event: EventOf<typeof AttributionCompleted>, ctx: HandlerContext): Promise<void> => {
    const { bookingId, attributionId } = event.data;
    const booking = await findBookingSnapshot(deps.db, bookingId);
    if (!booking) {
      // The attribution follows the confirmation, but through another stream and consumer: wait for it.
      throw new RetryableError(`booking ${bookingId} is not known yet (booking.confirmed not consumed)`);
    }
    const now = deps.now();
    const plan = planAttributionCompleted(event, booking, await listStaff(deps.db), {
      now,
      documentsWaitMs: deps.documentsWaitMs,
      supportUrl: deps.supportUrl,
      customerAssignedEmail: deps.customerAssignedEmail,
    });
    // Consumed after the booking's (or attribution's) cancellation: nobody is told a mission that no longer
    // exists; the reminder is still stored, born CANCELLED, so the API shows what happened.
    const cancellation = cancellationOf(await knownCancellations(deps.db, [bookingId], [attributionId]), {
      bookingId,
      attributionId,
    });
    const notifications = cancellation ? [] : plan.notifications;
    const reminders = plan.reminders;
    if (cancellation) {
      ctx.logger.info(
        { bookingId, attributionId, cancellation },
        'attribution follow-ups skipped: cancelled',
      );
    }
    const accepted = await acceptPlan(
      deps.db,
      { eventId: event.id, type: event.type, correlationId: event.correlationId, bookingId },
      notifications,
      now,
      reminders,
    );
    ctx.logger.info(
      {
        bookingId,
        attributionId,
        professionalId: event.data.professional.professionalId,
        others: event.data.otherProfessionals.length,
        planned: accepted.planned,
        reminders: accepted.reminders,
        firstTime: accepted.firstTime,
      },
      'attribution follow-ups planned',
    );
    await releaseDue({ ...deps, logger: ctx.logger }, { triggerEventId: event.id });
  };
