import type { Kysely } from 'kysely';
import type { Principal } from '../domain/principal.js';
import type { Database } from '../store/schema.js';

/** What the store said about one access token, everything but the clock-dependent checks. */
export interface TokenFacts {
  readonly principal: Principal;
  /** The token's `exp` (seconds since the epoch). */
  readonly exp: number;
  /** The row's own expiry (epoch ms), when it has one. */
  readonly rowExpiresAt: number | null;
  /**
   * The connection's `last_used_at` as last read or written here, in epoch ms (NaN: never or
   * unreadable), for the once-a-minute touch: a request within the minute compares numbers only.
   */
  lastUsedMs: number;
}

/**
 * The auth epoch (migration 0014) as one compiled primary-key read: the only statement a request
 * with a cached token sends. Undefined when the row is missing (then nothing is trusted).
 */
export function authEpochReader(db: Kysely<Database>): () => Promise<number | undefined> {
  const query = db.selectFrom('auth_epoch').select('value').where('id', '=', 1).compile();
  return async () => {
    const { rows } = await db.executeQuery(query);
    return rows[0]?.value;
  };
}

/**
 * Verified access tokens of this instance, keyed by the token's SHA-256 (never the token), each
 * trusted only under the auth epoch it was verified in. The epoch is read from the store on
 * every request *before* the cache is consulted, and any change that could end a token's validity
 * (revocation, narrowing, a deleted token, membership or user, a renamed tenant) bumps it in the
 * same transaction, so a change committed on any instance is seen by the next request on every
 * other instance — the cache saves the four-table join and the payload parsing, never the check.
 * Bounded in size and age (the age bound is a second line, not the mechanism).
 */
export class VerifiedTokenCache {
  private epoch = -1;
  private readonly entries = new Map<string, { facts: TokenFacts; at: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly maxAgeMs = 60_000,
  ) {}

  /**
   * The facts cached for `hash` under `epoch`, if any. An epoch newer than the cache's empties
   * it; an older one (a read that raced a bump) finds nothing and may not store.
   */
  get(hash: string, epoch: number, nowMs: number): TokenFacts | undefined {
    if (epoch > this.epoch) {
      this.entries.clear();
      this.epoch = epoch;
      return undefined;
    }
    if (epoch < this.epoch) return undefined;
    const entry = this.entries.get(hash);
    if (entry === undefined) return undefined;
    if (nowMs - entry.at >= this.maxAgeMs || nowMs < entry.at) {
      this.entries.delete(hash);
      return undefined;
    }
    return entry.facts;
  }

  /** Stores facts read after `epoch` was read; dropped if the epoch moved meanwhile. */
  set(hash: string, epoch: number, facts: TokenFacts, nowMs: number): void {
    if (epoch !== this.epoch) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(hash, { facts, at: nowMs });
  }
}
