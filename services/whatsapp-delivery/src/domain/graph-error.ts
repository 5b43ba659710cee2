/**
 * What a WhatsApp Cloud API (Graph) error means for the message:
 * - `window_closed`: 131047, more than 24 hours since the customer last wrote: free-form messages are refused,
 *   an approved template is not;
 * - `transient`: rate limits (130429 throughput, 131056 pair rate, 131048 spam rate, 4 / 80007 app and account
 *   limits), Meta's own trouble (1, 2, 131000, 131016, any 5xx), our token refused (190, 401): retry later;
 * - `permanent`: the message or the recipient is refused for good: 131026 undeliverable, 100 invalid parameter,
 *   131008 parameter missing, 131009 parameter value invalid, 131051 unsupported type, 132000/132001/132012
 *   template parameters or template unknown, 133010 number not registered.
 */
export type GraphFailureKind = 'window_closed' | 'transient' | 'permanent';

const TRANSIENT = new Set([1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131056, 190]);
const PERMANENT = new Set([
  100, 131008, 131009, 131021, 131026, 131051, 132000, 132001, 132005, 132007, 132012, 133010,
]);

export const classifyGraphError = (httpStatus: number | null, code: number | null): GraphFailureKind => {
  if (code === 131047) return 'window_closed';
  if (code !== null && TRANSIENT.has(code)) return 'transient';
  if (code !== null && PERMANENT.has(code)) return 'permanent';
  if (
    httpStatus === null ||
    httpStatus === 429 ||
    httpStatus >= 500 ||
    httpStatus === 401 ||
    httpStatus === 403
  ) {
    return 'transient';
  }
  // Another 4xx with an unknown code: what we sent is at fault, retrying sends the same thing.
  return 'permanent';
};

export class WhatsAppApiError extends Error {
  override readonly name = 'WhatsAppApiError';
  readonly httpStatus: number | null;
  readonly code: number | null;
  readonly kind: GraphFailureKind;
  readonly retryAfterMs: number | null;
  constructor(
    message: string,
    details: {
      httpStatus: number | null;
      code: number | null;
      retryAfterMs?: number | null;
      cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.httpStatus = details.httpStatus;
    this.code = details.code;
    this.kind = classifyGraphError(details.httpStatus, details.code);
    this.retryAfterMs = details.retryAfterMs ?? null;
  }
}
