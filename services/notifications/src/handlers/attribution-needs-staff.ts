import type { AttributionNeedsStaff, EventOf } from '@express-quote/contracts';
import type { HandlerContext } from '@express-quote/messaging';
import { planAttributionNeedsStaff } from '../domain/plan-attribution-needs-staff.ts';
import { acceptPlan } from '../outbox/accept-plan.ts';
import { releaseDue } from '../outbox/release-due.ts';
import { listStaff } from '../staff/staff-directory.ts';
import type { PlannerDeps } from './planner-deps.ts';

/** attribution.needs_staff → a HIGH staff alert (e-mail, and SMS to those with a phone). */
export const handleAttributionNeedsStaff =
  (deps: PlannerDeps) =>
  async (event: EventOf<typeof AttributionNeedsStaff>, ctx: HandlerContext): Promise<void> => {
    const now = deps.now();
    const planned = planAttributionNeedsStaff(event, await listStaff(deps.db), {
      now,
      documentsWaitMs: deps.documentsWaitMs,
      supportUrl: deps.supportUrl,
    });
    const { bookingId, attributionId, reason } = event.data;
    const accepted = await acceptPlan(
      deps.db,
      { eventId: event.id, type: event.type, correlationId: event.correlationId, bookingId },
      planned,
      now,
    );
    if (accepted.firstTime && planned.length === 0) {
      // Acked anyway: a retry cannot invent recipients. The log line is the alert of last resort.
      ctx.logger.error(
        { bookingId, attributionId, reason },
        'attribution needs staff but no active responsible/operations/admin staff is in the directory',
      );
    }
    ctx.logger.info(
      { bookingId, attributionId, reason, planned: accepted.planned, firstTime: accepted.firstTime },
      'attribution staff alert planned',
    );
    await releaseDue({ ...deps, logger: ctx.logger }, { triggerEventId: event.id });
  };
