import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter, type RateLimit } from '../../src/domain/limits/rate-limiter.js';
import type { Store } from '../../src/store/open-store.js';
import { pruneRateLimits } from '../../src/store/rate-limits.js';
import { ManualClock } from '../support/clock.js';
import { availableDialects, createTestStore } from '../support/stores.js';

/**
 * The one rate-limit mechanism, on both databases: exact under concurrency, sliding (no burst
 * across any boundary), shared by instances, with a Retry-After that is neither early nor late.
 */
const dialects = await availableDialects();
/** On a minute boundary, where a calendar-minute bucket would reset. */
const T0 = '2026-11-21T12:00:00.000Z';
const perMinute = (name: string, limit: number): RateLimit => ({ name, limit, windowMs: 60_000 });

describe.each(dialects)('rate limits on %s', (dialect) => {
  let store: Store & { url: string };
  beforeAll(async () => {
    store = await createTestStore(dialect);
  });
  afterAll(() => store.close());

  it.each([
    ['a new key', 0],
    ['a key already counting', 1],
  ])('50 concurrent takes on %s: exactly `limit` allowed, none lost', async (_, before) => {
    const limiter = new RateLimiter(store.db, new ManualClock(T0), perMinute(`concurrent-${before}`, 20));
    for (let i = 0; i < before; i += 1) await limiter.take('ip-1');
    const decisions = await Promise.all(Array.from({ length: 50 }, () => limiter.take('ip-1')));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(20 - before);
    expect((await limiter.check('ip-1')).allowed).toBe(false);
  });

  it('refuses a burst across a calendar-minute boundary (a bucket would allow 2× the limit)', async () => {
    const clock = new ManualClock(T0);
    const limiter = new RateLimiter(store.db, clock, perMinute('boundary', 3));
    clock.advance(59_000);
    for (let i = 0; i < 3; i += 1) expect((await limiter.take('tenant')).allowed).toBe(true);
    clock.advance(2_000); // 12:01:01, a new calendar minute
    expect(await limiter.take('tenant')).toMatchObject({ allowed: false, limit: { name: 'boundary' } });
  });

  it('refuses a burst right after the first event’s window ends (a window opened per key would not)', async () => {
    const clock = new ManualClock(T0);
    const limiter = new RateLimiter(store.db, clock, perMinute('first-event', 2));
    expect((await limiter.take('k')).allowed).toBe(true);
    clock.advance(59_900);
    expect((await limiter.take('k')).allowed).toBe(true);
    clock.advance(700); // the first event is now out of the window; the second is not
    expect((await limiter.take('k')).allowed).toBe(true);
    expect((await limiter.take('k')).allowed).toBe(false);
  });

  it('Retry-After is exact to the second: refused one second early, allowed on time', async () => {
    const clock = new ManualClock(T0);
    const limiter = new RateLimiter(store.db, clock, perMinute('retry-after', 2));
    await limiter.take('k');
    clock.advance(20_000);
    await limiter.take('k');
    clock.advance(10_000);
    const refused = await limiter.take('k');
    if (refused.allowed) throw new Error('expected a refusal');
    expect(refused.retryAfterSeconds).toBe(31); // the first event's slice ages out at 60.6 s
    clock.advance((refused.retryAfterSeconds ?? 0) * 1000 - 1000);
    expect((await limiter.take('k')).allowed).toBe(false);
    clock.advance(1000);
    expect((await limiter.take('k')).allowed).toBe(true);
  });

  it('counts units: a batch takes its size, and one larger than the limit is never allowed', async () => {
    const limiter = new RateLimiter(store.db, new ManualClock(T0), perMinute('units', 5));
    expect(await limiter.take('t', 3)).toEqual({ allowed: true, remaining: 2 });
    expect(await limiter.take('t', 3)).toMatchObject({ allowed: false, retryAfterSeconds: 61 });
    expect(await limiter.take('t', 2)).toEqual({ allowed: true, remaining: 0 });
    expect(await limiter.take('other', 6)).toMatchObject({ allowed: false, retryAfterSeconds: null });
  });

  it('keys and limits are separate; two limiters on one database (two instances) share one count', async () => {
    const clock = new ManualClock(T0);
    const instanceA = new RateLimiter(store.db, clock, perMinute('shared', 10));
    const instanceB = new RateLimiter(store.db, clock, perMinute('shared', 10));
    for (let i = 0; i < 5; i += 1) {
      expect((await instanceA.take('client')).allowed).toBe(true);
      expect((await instanceB.take('client')).allowed).toBe(true);
    }
    expect((await instanceA.take('client')).allowed).toBe(false);
    expect((await instanceB.check('client')).allowed).toBe(false);
    expect((await instanceA.take('another-client')).allowed).toBe(true);
    expect((await new RateLimiter(store.db, clock, perMinute('other-limit', 1)).take('client')).allowed).toBe(
      true,
    );
  });

  it('check records nothing; a take inside a rolled-back transaction gives its units back', async () => {
    const limiter = new RateLimiter(store.db, new ManualClock(T0), perMinute('tx', 2));
    for (let i = 0; i < 5; i += 1) expect((await limiter.check('k')).allowed).toBe(true);
    await expect(
      store.db.transaction().execute(async (tx) => {
        expect((await limiter.take('k', 2, tx)).allowed).toBe(true);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await limiter.take('k', 2)).toEqual({ allowed: true, remaining: 0 });
  });

  it('pruning forgets only keys none of whose events still count', async () => {
    const clock = new ManualClock(T0);
    const limiter = new RateLimiter(store.db, clock, perMinute('prune', 1));
    await limiter.take('old');
    clock.advance(61_000);
    await limiter.take('recent');
    await pruneRateLimits(store.db, clock.now().getTime());
    const keys = (await store.db.selectFrom('rate_limit_windows').select('key').execute()).map((r) => r.key);
    expect(keys).toContain('prune:recent');
    expect(keys).not.toContain('prune:old');
  });
});
