import type { RateDecision, RateLimit } from './limits/rate-limiter.js';

/**
 * What went wrong, as a stable code. The first four are the caller's to fix; `rate_limited` is
 * the caller's to wait out; `unavailable` is ours (a dependency is down) and passes with time.
 */
export type DomainErrorCode =
  'not_found' | 'invalid_input' | 'conflict' | 'forbidden' | 'rate_limited' | 'unavailable';

/** The HTTP status an HTTP face answers each code with (a caller's fault is 4xx, ours 5xx). */
export const HTTP_STATUS_OF = {
  invalid_input: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
} as const satisfies Record<DomainErrorCode, number>;

/**
 * Failures a caller (a person or a model) can act on. The MCP layer renders them as tool results
 * with `isError: true`; HTTP faces map `rate_limited` to 429 and `unavailable` to 503, both with
 * `Retry-After`. Anything else thrown is an internal fault.
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** What to do next, written for a model: which tool to call or which argument to change. */
    readonly hint: string,
    /** For `rate_limited` and `unavailable`: whole seconds after which a retry may succeed. */
    readonly retryAfterSeconds?: number,
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

/** "5 per 10 minutes", "1000 per 24 hours": a limit as a person reads it. */
export function describeLimit(limit: RateLimit): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [ms, name] of units)
    if (limit.windowMs % ms === 0) {
      const count = limit.windowMs / ms;
      if (name === 'day' && count === 1) return `${limit.limit} per 24 hours`;
      return `${limit.limit} per ${count === 1 ? name : `${count} ${name}s`}`;
    }
  return `${limit.limit} per ${limit.windowMs} ms`;
}

/**
 * A refusal by a rate limit, naming the limit and when to retry. `what` says what is limited
 * ("queuing email for this tenant"); `hint` what to do besides waiting.
 */
export function rateLimited(
  refusal: Extract<RateDecision, { allowed: false }>,
  what: string,
  hint: string,
): DomainError {
  const after = refusal.retryAfterSeconds;
  const when =
    after === null
      ? 'This call alone exceeds the limit, so waiting will not help.'
      : `Retry in ${after} second${after === 1 ? '' : 's'}.`;
  return new DomainError(
    'rate_limited',
    `rate_limited (${refusal.limit.name}): ${what} is limited to ${describeLimit(refusal.limit)}, and this call would exceed it. ${when}`,
    hint,
    after ?? undefined,
  );
}

/** A dependency of ours (the database) is unreachable: the caller did nothing wrong. */
export function unavailable(what: string, retryAfterSeconds = 5): DomainError {
  return new DomainError(
    'unavailable',
    `unavailable: ${what} is temporarily unreachable; this is a server fault, not your input.`,
    `Try again in ${retryAfterSeconds} seconds with the same arguments.`,
    retryAfterSeconds,
  );
}
