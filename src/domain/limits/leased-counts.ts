import type { Clock } from '../../lib/clock.js';
import type { RateDecision, RateLimiter } from './rate-limiter.js';

/** How long an instance may spend units it took ahead of use. */
export const LEASE_MS = 1_000;
/** The most units one store round trip takes ahead. */
export const MAX_LEASE = 16;
/** Keys with a lease held at once; past it every lease is dropped (their units only go unused). */
const MAX_HELD = 10_000;

interface Lease {
  left: number;
  readonly until: number;
  readonly size: number;
  readonly remaining: number;
}

/**
 * A shared count (`RateLimiter`, one store row per key) taken in leases: a key whose calls come
 * faster than it can spend its lease takes 2, 4, … up to `max` units in one round trip and spends
 * them here for up to LEASE_MS, so a busy grant pays one store write per lease instead of one per
 * call (each was a read and a compare-and-set write; ~120 µs of CPU on SQLite). A key called less
 * often takes one unit at a time, as before.
 *
 * Every unit is counted in the store before it is spent, so instances together never admit more
 * than the limit counted there. The tolerance, per instance and key: up to `max - 1` units taken
 * but left unspent when a burst stops (they count until they leave the window: early refusals),
 * and units spent up to LEASE_MS after they were counted (so a sliding 60 s span of actual calls
 * may hold `max - 1` more than the limit). A revoked grant is refused by the token check before
 * this count is asked, lease or not.
 */
export class LeasedCounts {
  private readonly held = new Map<string, Lease>();

  constructor(
    /** Takes one unit and reports its refusals (metrics). */
    private readonly single: RateLimiter,
    /** The same limit, taking leases; a lease that does not fit is no refusal (one unit is tried next). */
    private readonly ahead: RateLimiter,
    private readonly clock: Clock,
    private readonly max: number,
  ) {}

  async take(key: string): Promise<RateDecision> {
    const now = this.clock.now().getTime();
    const lease = this.held.get(key);
    if (lease !== undefined && now < lease.until && lease.left > 0) {
      lease.left -= 1;
      return { allowed: true, remaining: lease.remaining };
    }
    // Spent before it expired: the calls come faster than the lease, so take twice as many.
    const size = lease !== undefined && now < lease.until ? Math.min(this.max, lease.size * 2) : 1;
    if (size > 1) {
      const decision = await this.ahead.take(key, size);
      if (decision.allowed) return this.hold(key, now, size, decision);
    }
    const decision = await this.single.take(key);
    return decision.allowed ? this.hold(key, now, 1, decision) : decision;
  }

  private hold(key: string, now: number, size: number, decision: RateDecision & { allowed: true }) {
    if (this.held.size >= MAX_HELD) this.held.clear();
    this.held.set(key, { left: size - 1, until: now + LEASE_MS, size, remaining: decision.remaining });
    return decision;
  }
}

/** The largest lease for a limit: a fiftieth of it (2 % left unspent at most), 1 to MAX_LEASE. */
export function leaseFor(limit: number): number {
  return Math.max(1, Math.min(MAX_LEASE, Math.floor(limit / 50)));
}
