import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { countEvent, eventsInWindow } from '../store/rate-limits.js';

/**
 * At most `limit` events per key per window of `windowMs`, counted in the database: every
 * instance on one database shares the count (security-targets.md: a limit must hold across
 * instances). The window starts at a key's first event, so no burst fits across a boundary.
 */
export class RateLimiter {
  constructor(
    private readonly db: Kysely<Database>,
    /** Names the limit, so keys of different limits never meet. */
    private readonly name: string,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Records one event; false when the key is over its limit. */
  async take(key: string, now = Date.now()): Promise<boolean> {
    return (await countEvent(this.db, this.keyOf(key), iso(now), iso(now - this.windowMs))) <= this.limit;
  }

  /** True while the key's current window already holds `limit` events (records nothing). */
  async exhausted(key: string, now = Date.now()): Promise<boolean> {
    return (await eventsInWindow(this.db, this.keyOf(key), iso(now - this.windowMs))) >= this.limit;
  }

  private keyOf(key: string): string {
    return `${this.name}:${key}`;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
