import type { ReleaseDeps } from '../outbox/release-due.ts';

/** What the planning handlers share: the release path plus the planning settings. */
export interface PlannerDeps extends ReleaseDeps {
  documentsWaitMs: number;
  supportUrl: string;
  /** Plan the customer's "a professional is assigned" e-mail (template `professional-assigned`). */
  customerAssignedEmail: boolean;
}
