/**
 * Failures a caller (a person or a model) can act on. The MCP layer renders them as tool results
 * with `isError: true`; they never become 5xx responses. Anything else thrown is an internal fault.
 */
export class DomainError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid_input' | 'conflict' | 'forbidden',
    message: string,
    /** What to do next, written for a model: which tool to call or which argument to change. */
    readonly hint: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function notFound(what: string, hint: string): DomainError {
  return new DomainError('not_found', `${what} was not found in this tenant.`, hint);
}

export function invalidInput(message: string, hint: string): DomainError {
  return new DomainError('invalid_input', message, hint);
}
