import type { DomainError } from '../domain/errors.js';

/**
 * RFC 9457 problem details, with the codes and hints the tools give (`code`, `hint` are
 * extension members). Every refusal of `/api/v1` is one of these; `type` names the code.
 */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly hint?: string;
  /** For internal errors: the reference the operator finds in the log. */
  readonly reference?: string;
}

/** Codes of the HTTP edge itself, beside the domain's. */
type EdgeCode =
  | 'unauthorized'
  | 'route_not_found'
  | 'method_not_allowed'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'internal_error';

export type ProblemCode = DomainError['code'] | EdgeCode;

const STATUS: Record<ProblemCode, [number, string]> = {
  invalid_input: [400, 'Invalid input'],
  unauthorized: [401, 'Unauthorized'],
  forbidden: [403, 'Forbidden'],
  not_found: [404, 'Not found'],
  route_not_found: [404, 'No such route'],
  method_not_allowed: [405, 'Method not allowed'],
  conflict: [409, 'Conflict'],
  payload_too_large: [413, 'Payload too large'],
  unsupported_media_type: [415, 'Unsupported media type'],
  rate_limited: [429, 'Too many requests'],
  internal_error: [500, 'Internal error'],
  unavailable: [503, 'Service unavailable'],
};

export function problem(code: ProblemCode, detail: string, hint?: string, reference?: string): Problem {
  const [status, title] = STATUS[code];
  return {
    type: `urn:workonward:problem:${code}`,
    title,
    status,
    detail,
    code,
    ...(hint !== undefined && { hint }),
    ...(reference !== undefined && { reference }),
  };
}
