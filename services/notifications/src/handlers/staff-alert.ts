import type { HandlerContext } from '@express-quote/messaging';
import { describeStaffAlert, planStaffAlert, type StaffAlertEvent } from '../domain/plan-staff-alert.ts';
import { acceptPlan } from '../outbox/accept-plan.ts';
import { releaseDue } from '../outbox/release-due.ts';
import { listStaff } from '../staff/staff-directory.ts';
import type { PlannerDeps } from './planner-deps.ts';

/**
 * payment.needs_attention, booking.payment_needs_attention, booking.payment_amount_mismatch → a staff-alert e-mail
 * to operations, admins and accounting. The three consumers share this handler; their events differ only in text.
 */
export const handleStaffAlert =
  (deps: PlannerDeps) =>
  async (event: StaffAlertEvent, ctx: HandlerContext): Promise<void> => {
    const now = deps.now();
    const planned = planStaffAlert(event, await listStaff(deps.db), {
      now,
      documentsWaitMs: deps.documentsWaitMs,
      supportUrl: deps.supportUrl,
    });
    const { bookingId } = describeStaffAlert(event);
    const accepted = await acceptPlan(
      deps.db,
      { eventId: event.id, type: event.type, correlationId: event.correlationId, bookingId },
      planned,
      now,
    );
    if (accepted.firstTime && planned.length === 0) {
      // Acked anyway: a retry cannot invent recipients. The log line is the alert of last resort.
      ctx.logger.error(
        { type: event.type },
        'staff alert has no recipient: no active operations/admin/accounting staff',
      );
    }
    ctx.logger.info(
      { type: event.type, planned: accepted.planned, firstTime: accepted.firstTime },
      'staff alert planned',
    );
    await releaseDue({ ...deps, logger: ctx.logger }, { triggerEventId: event.id });
  };
