/**
 * An illegal transition refused by a decider. `code` is stable (handlers and HTTP map on it); the message says
 * what happened in words.
 */
export class DomainError<Code extends string = string> extends Error {
  override readonly name = 'DomainError';
  readonly code: Code;
  constructor(code: Code, message: string) {
    super(message);
    this.code = code;
  }
}

export const isDomainError = <Code extends string>(error: unknown, code: Code): error is DomainError<Code> =>
  error instanceof DomainError && error.code === code;
