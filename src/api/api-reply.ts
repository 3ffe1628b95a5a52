import { DomainError } from '../domain/errors.js';
import type { ApiResponse } from './api-handler.js';
import { problem, type Problem, type ProblemCode } from './problem.js';

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

export function reply(status: number, value: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(value) };
}

export function refuse(p: Problem, headers: Record<string, string> = {}): ApiResponse {
  return {
    status: p.status,
    headers: { ...JSON_HEADERS, 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify(p),
  };
}

/** A refusal of the edge itself (media type, method, route, rate limit), rendered like a domain one. */
export class EdgeRefusal extends Error {
  constructor(
    readonly code: ProblemCode,
    message: string,
    readonly hint: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * Any failure as problem+json: a domain or edge refusal with its code and hint, anything else as
 * `internal_error` carrying only the reference `reportInternal` logged it under.
 */
export function renderError(error: unknown, reportInternal: (error: unknown) => string): ApiResponse {
  if (error instanceof DomainError)
    return refuse(
      problem(error.code, error.message, error.hint),
      error.retryAfterSeconds === undefined ? {} : { 'retry-after': String(error.retryAfterSeconds) },
    );
  if (error instanceof EdgeRefusal)
    return refuse(problem(error.code, error.message, error.hint), error.headers);
  const reference = reportInternal(error);
  return refuse(
    problem(
      'internal_error',
      `Internal error (reference ${reference}).`,
      'This is a server fault, not your input; try again shortly.',
      reference,
    ),
  );
}
