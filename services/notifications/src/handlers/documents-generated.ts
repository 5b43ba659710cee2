import type { DocumentsGenerated, EventOf } from '@express-quote/contracts';
import type { HandlerContext } from '@express-quote/messaging';
import { storeDocumentSet } from '../outbox/document-sets.ts';
import { releaseDue } from '../outbox/release-due.ts';
import type { PlannerDeps } from './planner-deps.ts';

/** documents.generated → remember the set, release the messages that were waiting for it. */
export const handleDocumentsGenerated =
  (deps: PlannerDeps) =>
  async (event: EventOf<typeof DocumentsGenerated>, ctx: HandlerContext): Promise<void> => {
    const { bookingId, audience } = event.data;
    await storeDocumentSet(deps.db, event.data, event.id, deps.now());
    const released = await releaseDue({ ...deps, logger: ctx.logger }, { bookingId });
    ctx.logger.info(
      { bookingId, audience, documents: event.data.documents.length, released: released.length },
      'documents recorded',
    );
  };
