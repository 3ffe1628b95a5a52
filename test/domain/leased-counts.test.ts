import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEASE_MS, LeasedCounts, leaseFor } from '../../src/domain/limits/leased-counts.js';
import { RateLimiter } from '../../src/domain/limits/rate-limiter.js';
import type { Store } from '../../src/store/open-store.js';
import { readWindow } from '../../src/store/rate-limits.js';
import { ManualClock } from '../support/clock.js';
import { availableDialects, createTestStore } from '../support/stores.js';

/**
 * The per-grant count taken in leases: one store write per lease for a busy key, never more
 * admitted than the limit counted in the store, one unit a call for a key called slowly.
 */
const dialects = await availableDialects();

describe.each(dialects)('leased counts on %s', (dialect) => {
  let store: Store & { url: string };
  beforeAll(async () => {
    store = await createTestStore(dialect);
  });
  afterAll(() => store.close());

  /** One instance's counts of `name` (limit per minute), and the refusals its metrics would see. */
  function instance(name: string, limit: number, clock: ManualClock) {
    const refused: string[] = [];
    const shape = { name, limit, windowMs: 60_000 };
    const counts = new LeasedCounts(
      new RateLimiter(store.db, clock, shape, { refused: (limitName) => refused.push(limitName) }),
      new RateLimiter(store.db, clock, shape),
      clock,
      leaseFor(limit),
    );
    return { counts, refused };
  }
  const writes = async (name: string) => (await readWindow(store.db, `${name}:grant`)).version;
  async function admitted(counts: LeasedCounts, calls: number): Promise<number> {
    let allowed = 0;
    for (let call = 0; call < calls; call += 1) if ((await counts.take('grant')).allowed) allowed += 1;
    return allowed;
  }

  it('a busy grant: exactly the limit admitted, in one write per lease; refusals counted once each', async () => {
    const clock = new ManualClock();
    const { counts, refused } = instance('busy', 300, clock);
    expect(await admitted(counts, 400)).toBe(300);
    expect(await writes('busy')).toBeLessThanOrEqual(300 / leaseFor(300) + 6);
    expect(refused).toHaveLength(100);
    expect(await counts.take('grant')).toMatchObject({ allowed: false, limit: { name: 'busy' } });
  });

  it('two instances never admit more than the limit together, and leave at most a lease unspent', async () => {
    const clock = new ManualClock();
    const one = instance('shared', 300, clock);
    const two = instance('shared', 300, clock);
    // Instance one takes leases of 1, 2 and 4, then its client stops, 3 units unspent.
    expect(await admitted(one.counts, 4)).toBe(4);
    const byTwo = await admitted(two.counts, 400);
    expect(4 + byTwo).toBeLessThanOrEqual(300);
    expect(4 + byTwo).toBeGreaterThanOrEqual(300 - (leaseFor(300) - 1));
  });

  it('a grant called less often than LEASE_MS takes one unit a call; a lease is not spent after LEASE_MS', async () => {
    const clock = new ManualClock();
    const { counts } = instance('slow', 300, clock);
    for (let call = 1; call <= 5; call += 1) {
      expect((await counts.take('grant')).allowed).toBe(true);
      expect(await writes('slow')).toBe(call);
      clock.advance(LEASE_MS);
    }
    const busy = instance('expiring', 300, clock);
    expect(await admitted(busy.counts, 2)).toBe(2); // a lease of 2 units, 1 spent
    const counted = await writes('expiring');
    clock.advance(LEASE_MS);
    await busy.counts.take('grant');
    expect(await writes('expiring')).toBe(counted + 1);
  });

  it('a small limit is never leased', () => {
    expect(leaseFor(3)).toBe(1);
    expect(leaseFor(99)).toBe(1);
    expect(leaseFor(300)).toBe(6);
    expect(leaseFor(1_000_000)).toBe(16);
  });
});
