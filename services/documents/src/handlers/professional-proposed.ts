import {
  createEvent,
  type DataOf,
  DocumentsGenerated,
  deterministicId,
  type Envelope,
  ProfessionalProposed,
} from '@express-quote/contracts';
import type { Logger } from 'pino';
import { documentFilename, missionProposalKey } from '../domain/document-sets.ts';
import { type RenderDeps, renderAndStore } from './render-and-store.ts';
import { type FailureDeps, parseSourceEvent } from './source-event.ts';

export type ProfessionalProposedDeps = RenderDeps & FailureDeps;

const isWebLink = (url: string): boolean => {
  const protocol = new URL(url).protocol;
  return protocol === 'https:' || protocol === 'http:';
};

/** The links become clickable in the PDF: anything but a web link (javascript:, file:) is refused. */
export const proposalInconsistencies = (proposal: DataOf<typeof ProfessionalProposed>): string[] =>
  (['acceptUrl', 'refuseUrl'] as const)
    .filter((field) => !isWebLink(proposal[field]))
    .map((field) => `${field} must be an http(s) link`);

export const missionProposalEventId = (sourceEventId: string, professionalId: string): string =>
  deterministicId(sourceEventId, 'professional', professionalId);

/** ProfessionalProposed → the restricted MISSION_PROPOSAL of that professional, stored, then DocumentsGenerated. */
export const handleProfessionalProposed = async (
  deps: ProfessionalProposedDeps,
  event: Envelope,
  logger: Logger,
): Promise<void> => {
  const proposal = await parseSourceEvent(deps, event, ProfessionalProposed, proposalInconsistencies);
  const [document] = await renderAndStore(deps, [
    {
      key: missionProposalKey(proposal.attributionId, proposal.professionalId),
      filename: documentFilename('MISSION_PROPOSAL', { reference: proposal.booking.reference }),
      job: { kind: 'MISSION_PROPOSAL', proposal, createdAt: event.occurredAt },
    },
  ]);
  const generated = createEvent(
    DocumentsGenerated,
    {
      audience: 'professional',
      bookingId: proposal.booking.bookingId,
      attributionId: proposal.attributionId,
      professionalId: proposal.professionalId,
      documents: [document!],
    },
    {
      cause: event,
      id: missionProposalEventId(event.id, proposal.professionalId),
      occurredAt: deps.now(),
    },
  );
  const ack = await deps.publisher.publish(generated);
  logger.info(
    {
      bookingId: proposal.booking.bookingId,
      attributionId: proposal.attributionId,
      professionalId: proposal.professionalId,
      bytes: document!.bytes,
      duplicate: ack.duplicate,
    },
    'mission proposal generated',
  );
};
