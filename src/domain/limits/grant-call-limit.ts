import type { Kysely } from 'kysely';
import type { Clock } from '../../lib/clock.js';
import type { Database } from '../../store/schema.js';
import { rateLimited } from '../errors.js';
import type { Principal } from '../principal.js';
import { LeasedCounts, leaseFor } from './leased-counts.js';
import { RateLimiter, type RefusalObserver } from './rate-limiter.js';

/** Admits one tool call or throws `rate_limited` (a DomainError the MCP face renders as `isError`). */
export type AdmitToolCall = (principal: Principal) => Promise<void>;

export const GRANT_CALLS_LIMIT = 'tool-calls-per-grant';

/**
 * Tool calls per OAuth grant (connected app) in any 60 seconds, counted in the store so every
 * instance shares the count: one busy connection cannot use the whole deployment. A principal
 * without a grant (`WORKONWARD_MCP_AUTH=none`: the one local user on loopback or stdio) is not
 * limited. Called by the MCP core before a tool runs, after its scopes were checked. A busy grant
 * is counted in leases (leased-counts.ts: one store write per up to 16 calls, within a stated
 * tolerance).
 */
export function grantCallLimit(
  db: Kysely<Database>,
  clock: Clock,
  perMinute: number,
  observer?: RefusalObserver,
): AdmitToolCall {
  const limit = { name: GRANT_CALLS_LIMIT, limit: perMinute, windowMs: 60_000 };
  const counts = new LeasedCounts(
    new RateLimiter(db, clock, limit, observer),
    new RateLimiter(db, clock, limit),
    clock,
    leaseFor(perMinute),
  );
  return async (principal) => {
    if (principal.grantId === undefined) return;
    const decision = await counts.take(principal.grantId);
    if (!decision.allowed)
      throw rateLimited(
        decision,
        'calling tools through this connection',
        'Wait as long as it says, then repeat the same call (a send with the same idempotency_key); do not retry sooner. Nothing was done by this call.',
      );
  };
}
