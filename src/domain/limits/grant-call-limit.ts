import type { Kysely } from 'kysely';
import type { Clock } from '../../lib/clock.js';
import type { Database } from '../../store/schema.js';
import { rateLimited } from '../errors.js';
import type { Principal } from '../principal.js';
import { RateLimiter, type RefusalObserver } from './rate-limiter.js';

/** Admits one tool call or throws `rate_limited` (a DomainError the MCP face renders as `isError`). */
export type AdmitToolCall = (principal: Principal) => Promise<void>;

export const GRANT_CALLS_LIMIT = 'tool-calls-per-grant';

/**
 * Tool calls per OAuth grant (connected app) in any 60 seconds, counted in the store so every
 * instance shares the count: one busy connection cannot use the whole deployment. A principal
 * without a grant (`WORKONWARD_MCP_AUTH=none`: the one local user on loopback or stdio) is not
 * limited. Called by the MCP core before a tool runs, after its scopes were checked.
 */
export function grantCallLimit(
  db: Kysely<Database>,
  clock: Clock,
  perMinute: number,
  observer?: RefusalObserver,
): AdmitToolCall {
  const limiter = new RateLimiter(
    db,
    clock,
    { name: GRANT_CALLS_LIMIT, limit: perMinute, windowMs: 60_000 },
    observer,
  );
  return async (principal) => {
    if (principal.grantId === undefined) return;
    const decision = await limiter.take(principal.grantId);
    if (!decision.allowed)
      throw rateLimited(
        decision,
        'calling tools through this connection',
        'Wait as long as it says, then repeat the same call (a send with the same idempotency_key); do not retry sooner. Nothing was done by this call.',
      );
  };
}
