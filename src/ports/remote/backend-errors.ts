import { DomainError, type DomainErrorCode } from '../../domain/errors.js';

const PASSED_THROUGH: readonly DomainErrorCode[] = [
  'not_found',
  'invalid_input',
  'conflict',
  'forbidden',
  'rate_limited',
  'unavailable',
];

/** What every "the backend cannot serve" error tells the model: nothing happened twice, and how to retry. */
const RETRY_HINT =
  'This is a server fault, not your input. Try again in a few seconds with exactly the same arguments (for a send, the SAME idempotency_key: the backend never sends one key twice). If it persists, tell the user the mail/CRM backend is down.';

/** The backend could not be reached, or did not answer in time. */
export function backendUnreachable(origin: string, why: string): DomainError {
  return new DomainError(
    'unavailable',
    `unavailable: the Workonward backend at ${origin} ${why}.`,
    RETRY_HINT,
    5,
  );
}

/** The backend refuses this deployment's own key: only the operator can fix it. */
export function backendRefusedKey(origin: string, detail: string): DomainError {
  return new DomainError(
    'unavailable',
    `unavailable: the Workonward backend at ${origin} refused this server's API key (WORKONWARD_API_KEY): ${detail} Nothing was read or sent.`,
    'This is a server configuration fault, not your input; retrying will not help. Tell the user the operator must create a key on the backend (`workonward-mcp api-key create --tenant SLUG --on-behalf-of`) and set WORKONWARD_API_KEY.',
  );
}

interface ProblemBody {
  readonly code?: unknown;
  readonly detail?: unknown;
  readonly hint?: unknown;
}

/**
 * A refusal of the backend (RFC 9457 problem+json, `code` and `hint` extension members) as the
 * same DomainError the local adapter would throw, so the tool answers the same `isError` text.
 */
export function backendRefusal(
  origin: string,
  status: number,
  body: unknown,
  retryAfter: string | null,
): DomainError {
  const problem = (typeof body === 'object' && body !== null ? body : {}) as ProblemBody;
  const detail = typeof problem.detail === 'string' ? problem.detail : `HTTP ${status}`;
  if (status === 401) return backendRefusedKey(origin, detail);
  const code = PASSED_THROUGH.find((known) => known === problem.code);
  if (code === undefined || status >= 500)
    return backendUnreachable(origin, `answered HTTP ${status} (${detail.slice(0, 200)})`);
  const seconds = retryAfter === null ? undefined : Number.parseInt(retryAfter, 10);
  return new DomainError(
    code,
    detail,
    typeof problem.hint === 'string' ? problem.hint : RETRY_HINT,
    seconds !== undefined && Number.isFinite(seconds) ? seconds : undefined,
  );
}
