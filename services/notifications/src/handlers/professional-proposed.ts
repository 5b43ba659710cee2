import type { EventOf, ProfessionalProposed } from '@express-quote/contracts';
import type { HandlerContext } from '@express-quote/messaging';
import { planProfessionalProposed } from '../domain/plan-professional-proposed.ts';
import { acceptPlan } from '../outbox/accept-plan.ts';
import { releaseDue } from '../outbox/release-due.ts';
import type { PlannerDeps } from './planner-deps.ts';

/** attribution.professional_proposed → the mission proposal e-mail, released with its MISSION_PROPOSAL. */
export const handleProfessionalProposed =
  (deps: PlannerDeps) =>
  async (event: EventOf<typeof ProfessionalProposed>, ctx: HandlerContext): Promise<void> => {
    const now = deps.now();
    const planned = planProfessionalProposed(event, {
      now,
      documentsWaitMs: deps.documentsWaitMs,
      supportUrl: deps.supportUrl,
    });
    const bookingId = event.data.booking.bookingId;
    const accepted = await acceptPlan(
      deps.db,
      { eventId: event.id, type: event.type, correlationId: event.correlationId, bookingId },
      planned,
      now,
    );
    ctx.logger.info(
      {
        bookingId,
        attributionId: event.data.attributionId,
        professionalId: event.data.professionalId,
        firstTime: accepted.firstTime,
      },
      'mission proposal planned',
    );
    await releaseDue({ ...deps, logger: ctx.logger }, { triggerEventId: event.id });
  };
