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

/**
 * The source event id already differs per round (attribution derives it from the round); the round is named too so
 * the id says everything that makes the set distinct, as its key does.
 */
export const missionProposalEventId = (
  sourceEventId: string,
  professionalId: string,
  round: number,
): string => deterministicId(sourceEventId, 'professional', professionalId, 'round', round);

/** ProfessionalProposed → the restricted MISSION_PROPOSAL of that professional, stored, then DocumentsGenerated. */
export const handleProfessionalProposed = async (
  deps: ProfessionalProposedDeps,
  event: Envelope,
  logger: Logger,
): Promise<void> => {
  const proposal = await parseSourceEvent(deps, event, ProfessionalProposed, proposalInconsistencies);
  const [document] = await renderAndStore(deps, [
    {
      key: missionProposalKey(proposal.attributionId, proposal.professionalId, proposal.round),
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
      round: proposal.round,
      documents: [document!],
    },
    {
      cause: event,
      id: missionProposalEventId(event.id, proposal.professionalId, proposal.round),
      occurredAt: deps.now(),
    },
  );
  const ack = await deps.publisher.publish(generated);
  logger.info(
    {
      bookingId: proposal.booking.bookingId,
      attributionId: proposal.attributionId,
      professionalId: proposal.professionalId,
      round: proposal.round,
      bytes: document!.bytes,
      duplicate: ack.duplicate,
    },
    'mission proposal generated',
  );
};
