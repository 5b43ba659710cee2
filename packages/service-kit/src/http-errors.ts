import type { z } from 'zod';

export interface HttpIssue {
  /** Dotted path inside the validated value (`customer.email`); empty for the value itself. */
  readonly path: string;
  readonly message: string;
}

/** An error whose status, code and message are meant for the client, e.g. `new HttpError(409, 'conflict', …)`. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly statusCode: number;
  readonly code: string;
  readonly issues: readonly HttpIssue[] | undefined;
  constructor(statusCode: number, code: string, message: string, issues?: readonly HttpIssue[]) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.issues = issues;
  }
}

export const zodIssues = (error: z.core.$ZodError): HttpIssue[] =>
  error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));

/**
 * Parses `value` with `schema`; on failure throws HttpError 400 `bad_request` listing every issue.
 * `what` names the value for the message: `validate(QuoteRequest, request.body, 'quote request')`.
 */
export const validate = <S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> => {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, 'bad_request', `invalid ${what}`, zodIssues(result.error));
  return result.data;
};
