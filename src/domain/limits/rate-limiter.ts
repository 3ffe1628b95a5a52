import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../lib/clock.js';
import { admit, expiresAt, type WindowDecision, type WindowShape } from '../../lib/sliding-window.js';
import { compareAndSetWindow, lockWindow, readWindow, saveWindow } from '../../store/rate-limits.js';
import type { Database } from '../../store/schema.js';

/** A named limit: at most `limit` units per key in any span of `windowMs`. */
export interface RateLimit extends WindowShape {
  /** Stable and unique per limit (keys of different limits never meet); shown in refusals. */
  readonly name: string;
}

export type RateDecision =
  | { readonly allowed: true; readonly remaining: number }
  | {
      readonly allowed: false;
      readonly limit: RateLimit;
      /** Whole seconds until the same request would be allowed (for `Retry-After`); null = never. */
      readonly retryAfterSeconds: number | null;
    };

/** Told about each refusal (metrics count them by limit name). */
export interface RefusalObserver {
  refused(limitName: string): void;
}

/**
 * The one rate-limit mechanism: counted in the store, so every instance on one database shares
 * each count (security-targets.md: a limit must hold across instances), and sliding (see
 * lib/sliding-window.ts), so no burst fits across a boundary. `take` decides and records in one
 * step; `check` only looks.
 */
export class RateLimiter {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    readonly limit: RateLimit,
    private readonly observer?: RefusalObserver,
  ) {}

  /**
   * Records `units` events for `key` if they fit, else records nothing. A refusal costs one read
   * and writes nothing (cheap under attack); an uncontended take adds one compare-and-set write.
   * When another take wins the race, this one queues on the key's lock rather than retrying.
   *
   * Pass `tx` to count inside a transaction: its rollback gives the units back, and the key
   * stays locked until it ends.
   */
  async take(key: string, units = 1, tx?: Transaction<Database>): Promise<RateDecision> {
    const stored = this.keyOf(key);
    if (tx !== undefined) return this.takeLocked(tx, stored, units);
    const seen = await readWindow(this.db, stored);
    const decision = admit(seen.slices, this.limit, this.clock.now().getTime(), units);
    if (!decision.allowed) return this.decided(decision);
    const until = expiresAt(decision.slices, this.limit);
    if (await compareAndSetWindow(this.db, stored, seen.version, decision.slices, until))
      return this.decided(decision);
    return this.db.transaction().execute((own) => this.takeLocked(own, stored, units));
  }

  /** Whether `units` more events would be allowed now (records nothing). */
  async check(key: string, units = 1): Promise<RateDecision> {
    const { slices } = await readWindow(this.db, this.keyOf(key));
    return this.decided(admit(slices, this.limit, this.clock.now().getTime(), units), false);
  }

  /** Units counted for `key` in the window now (what a status page shows); records nothing. */
  async used(key: string): Promise<number> {
    const decision = await this.check(key, 0);
    return decision.allowed ? this.limit.limit - decision.remaining : this.limit.limit;
  }

  private async takeLocked(tx: Transaction<Database>, stored: string, units: number) {
    const locked = await lockWindow(tx, stored);
    const decision = admit(locked.slices, this.limit, this.clock.now().getTime(), units);
    if (decision.allowed)
      await saveWindow(tx, stored, locked, decision.slices, expiresAt(decision.slices, this.limit));
    return this.decided(decision);
  }

  /** `taken`: the decision refused a take (counted as a refusal), not a mere check. */
  private decided(decision: WindowDecision, taken = true): RateDecision {
    if (decision.allowed) return { allowed: true, remaining: decision.remaining };
    if (taken) this.observer?.refused(this.limit.name);
    const ms = decision.retryAfterMs;
    return {
      allowed: false,
      limit: this.limit,
      retryAfterSeconds: ms === null ? null : Math.max(1, Math.ceil(ms / 1000)),
    };
  }

  private keyOf(key: string): string {
    return `${this.limit.name}:${key}`;
  }
}
