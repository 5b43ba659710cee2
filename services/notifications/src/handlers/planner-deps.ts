import type { ReleaseDeps } from '../outbox/release-due.ts';

/** What the planning handlers share: the release path plus the planning settings. */
export interface PlannerDeps extends ReleaseDeps {
  documentsWaitMs: number;
  supportUrl: string;
}
