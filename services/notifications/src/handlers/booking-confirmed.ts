import type { BookingConfirmed, EventOf } from '@express-quote/contracts';
import type { HandlerContext } from '@express-quote/messaging';
import { planBookingConfirmed } from '../domain/plan-booking-confirmed.ts';
import { acceptPlan } from '../outbox/accept-plan.ts';
import { releaseDue } from '../outbox/release-due.ts';
import { listStaff } from '../staff/staff-directory.ts';
import type { PlannerDeps } from './planner-deps.ts';

/** booking.confirmed → customer e-mail (+ SMS), staff e-mails; each released when its documents are there. */
export const handleBookingConfirmed =
  (deps: PlannerDeps) =>
  async (event: EventOf<typeof BookingConfirmed>, ctx: HandlerContext): Promise<void> => {
    const now = deps.now();
    const planned = planBookingConfirmed(event, await listStaff(deps.db), {
      now,
      documentsWaitMs: deps.documentsWaitMs,
      supportUrl: deps.supportUrl,
    });
    const bookingId = event.data.bookingId;
    const accepted = await acceptPlan(
      deps.db,
      { eventId: event.id, type: event.type, correlationId: event.correlationId, bookingId },
      planned,
      now,
    );
    if (accepted.firstTime && !planned.some((p) => p.recipient.kind === 'staff')) {
      ctx.logger.warn(
        { bookingId },
        'no staff member is eligible for this booking: check the staff directory',
      );
    }
    ctx.logger.info(
      { bookingId, planned: accepted.planned, firstTime: accepted.firstTime },
      'booking notifications planned',
    );
    await releaseDue({ ...deps, logger: ctx.logger }, { bookingId });
  };
