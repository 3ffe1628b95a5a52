import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/oauth/rate-limit.js';
import type { Store } from '../../src/store/open-store.js';
import { pruneRateLimits } from '../../src/store/rate-limits.js';
import { availableDialects, createTestStore } from '../support/stores.js';

/** Abuse limits counted in the database: exact under concurrency, windows per key, shared by instances. */
const dialects = await availableDialects();
const T0 = Date.parse('2026-11-21T12:00:00.000Z');

describe.each(dialects)('database rate limits on %s', (dialect) => {
  let store: Store & { url: string };
  beforeAll(async () => {
    store = await createTestStore(dialect);
  });
  afterAll(() => store.close());

  it('50 concurrent events: exactly `limit` allowed, none lost', async () => {
    const limiter = new RateLimiter(store.db, 'concurrent', 20, 60_000);
    const allowed = await Promise.all(Array.from({ length: 50 }, () => limiter.take('ip-1', T0)));
    expect(allowed.filter(Boolean)).toHaveLength(20);
    expect(await limiter.exhausted('ip-1', T0)).toBe(true);
  });

  it('a window starts at the first event and ends windowMs later; keys and limits are separate', async () => {
    const limiter = new RateLimiter(store.db, 'window', 2, 60_000);
    expect(await limiter.take('k', T0)).toBe(true);
    expect(await limiter.take('k', T0 + 30_000)).toBe(true);
    expect(await limiter.take('k', T0 + 59_999)).toBe(false); // still the first window: no burst across a boundary
    expect(await limiter.take('other', T0 + 59_999)).toBe(true);
    expect(await new RateLimiter(store.db, 'another-limit', 2, 60_000).take('k', T0 + 59_999)).toBe(true);
    expect(await limiter.exhausted('k', T0 + 60_001)).toBe(false); // the window is over
    expect(await limiter.take('k', T0 + 60_001)).toBe(true); // and the next event opens a new one
  });

  it('two limiters on one database (two instances) share one count', async () => {
    const instanceA = new RateLimiter(store.db, 'shared', 10, 60_000);
    const instanceB = new RateLimiter(store.db, 'shared', 10, 60_000);
    for (let i = 0; i < 5; i += 1) {
      expect(await instanceA.take('client', T0)).toBe(true);
      expect(await instanceB.take('client', T0)).toBe(true);
    }
    expect(await instanceA.take('client', T0)).toBe(false);
    expect(await instanceB.exhausted('client', T0)).toBe(true);
  });

  it('pruning forgets only windows that are over', async () => {
    const limiter = new RateLimiter(store.db, 'prune', 1, 60_000);
    await limiter.take('old', T0 - 3_600_000);
    await limiter.take('recent', T0);
    await pruneRateLimits(store.db, new Date(T0 - 60_000).toISOString());
    const keys = (await store.db.selectFrom('rate_limits').select('key').execute()).map((r) => r.key);
    expect(keys).toContain('prune:recent');
    expect(keys).not.toContain('prune:old');
  });
});
