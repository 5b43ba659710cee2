/** What every planning function needs besides its event: time comes in, never from the clock inside. */
export interface PlanningContext {
  now: Date;
  /** How long a message waits for its documents before it is sent without them. */
  documentsWaitMs: number;
  /** Customer-facing support page. */
  supportUrl: string;
}

export const releaseAtFor = (ctx: PlanningContext, awaitsDocuments: boolean): string =>
  new Date(ctx.now.getTime() + (awaitsDocuments ? ctx.documentsWaitMs : 0)).toISOString();
