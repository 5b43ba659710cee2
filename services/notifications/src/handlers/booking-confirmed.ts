import type { BookingConfirmed, EventOf } from '@express-quote/contracts';
import type { HandlerContext } from '@express-quote/messaging';
import { storeBookingSnapshot } from '../bookings/booking-snapshots.ts';
import { DEFAULT_CHANNEL_PREFERENCE } from '../domain/channel-preference.ts';
import { planBookingConfirmed } from '../domain/plan-booking-confirmed.ts';
import { planCustomerReminders } from '../domain/plan-customer-reminders.ts';
import { acceptPlan } from '../outbox/accept-plan.ts';
import { releaseDue } from '../outbox/release-due.ts';
import { findPreference } from '../preferences/channel-preferences.ts';
import { listStaff } from '../staff/staff-directory.ts';
import type { PlannerDeps } from './planner-deps.ts';

/**
 * booking.confirmed → customer e-mail (+ SMS / WhatsApp by preference), staff e-mails, each released when its
 * documents are there; the customer's 7 d / 24 h / 1 h reminders scheduled in the same transaction.
 */
export const handleBookingConfirmed =
  (deps: PlannerDeps) =>
  async (event: EventOf<typeof BookingConfirmed>, ctx: HandlerContext): Promise<void> => {
    const now = deps.now();
    const bookingId = event.data.bookingId;
    // Kept first and on its own: the attribution follow-ups need it even when the plan was frozen long ago.
    await storeBookingSnapshot(deps.db, event, now);
    const phone = event.data.customer.phone;
    const preference = phone ? (await findPreference(deps.db, phone)).channel : DEFAULT_CHANNEL_PREFERENCE;
    const planning = { now, documentsWaitMs: deps.documentsWaitMs, supportUrl: deps.supportUrl };
    const planned = planBookingConfirmed(event, await listStaff(deps.db), planning, preference);
    const reminders = planCustomerReminders(event, planning);
    const accepted = await acceptPlan(
      deps.db,
      { eventId: event.id, type: event.type, correlationId: event.correlationId, bookingId },
      planned,
      now,
      reminders,
    );
    if (accepted.firstTime && !planned.some((p) => p.recipient.kind === 'staff')) {
      ctx.logger.warn(
        { bookingId },
        'no staff member is eligible for this booking: check the staff directory',
      );
    }
    ctx.logger.info(
      {
        bookingId,
        planned: accepted.planned,
        reminders: accepted.reminders,
        textChannel: preference,
        firstTime: accepted.firstTime,
      },
      'booking notifications planned',
    );
    await releaseDue({ ...deps, logger: ctx.logger }, { bookingId });
  };
