/** Why a professional's answer cannot be taken; each code has its own result page. */
export type RejectionCode =
  | 'unknown_attribution'
  | 'cancelled'
  | 'already_assigned'
  | 'already_accepted'
  | 'already_refused'
  | 'not_proposed'
  | 'expired';

/** An answer the attribution refuses: a business outcome shown to the professional, never retried. */
export class AttributionRejection extends Error {
  override readonly name = 'AttributionRejection';
  readonly code: RejectionCode;
  constructor(code: RejectionCode, message: string) {
    super(message);
    this.code = code;
  }
}
