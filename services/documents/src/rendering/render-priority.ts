import type { RenderJob } from './render-job.ts';

/**
 * How urgent a render is: the customer's confirmation e-mail waits for the BookingConfirmed sets (customer and
 * internal), while a professional's MISSION_PROPOSAL only goes out with the attribution round. Under load a booking
 * must not wait behind the proposals queued before it (3 or more per booking).
 */
export const renderPriorities = { booking: 0, proposal: 1 } as const;

export type RenderPriority = (typeof renderPriorities)[keyof typeof renderPriorities];

export const renderPriorityOf = (job: RenderJob): RenderPriority =>
  job.kind === 'MISSION_PROPOSAL' ? renderPriorities.proposal : renderPriorities.booking;
