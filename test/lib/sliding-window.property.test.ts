import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admit, SLICES, type Slice } from '../../src/lib/sliding-window.js';

/** A limit, and requests at random moments with random sizes for it. */
const scenarios = fc.record({
  limit: fc.integer({ min: 1, max: 10 }),
  windowMs: fc.integer({ min: 1_000, max: 90_000 }),
  list: fc.array(
    fc.record({ gapMs: fc.integer({ min: 0, max: 30_000 }), units: fc.integer({ min: 1, max: 4 }) }),
    { minLength: 1, maxLength: 120 },
  ),
});

/** Runs the requests through `admit` as the store would, keeping what it stores. */
function run(limit: number, windowMs: number, list: { gapMs: number; units: number }[]) {
  let slices: readonly Slice[] = [];
  let now = Date.parse('2026-11-21T12:00:00.000Z');
  const admitted: { at: number; units: number }[] = [];
  const refused: { at: number; units: number; retryAfterMs: number | null }[] = [];
  for (const { gapMs, units } of list) {
    now += gapMs;
    const decision = admit(slices, { limit, windowMs }, now, units);
    if (decision.allowed) {
      slices = decision.slices;
      admitted.push({ at: now, units });
    } else refused.push({ at: now, units, retryAfterMs: decision.retryAfterMs });
  }
  return { admitted, refused };
}

describe('sliding window', () => {
  it('never admits more than the limit in ANY span of the window, wherever it starts', () => {
    fc.assert(
      fc.property(scenarios, ({ limit, windowMs, list }) => {
        const { admitted } = run(limit, windowMs, list);
        // The worst span of length windowMs ends at an admitted event: check each one.
        for (const end of admitted) {
          const inSpan = admitted.filter((e) => e.at > end.at - windowMs && e.at <= end.at);
          expect(inSpan.reduce((sum, e) => sum + e.units, 0)).toBeLessThanOrEqual(limit);
        }
      }),
    );
  });

  it('refuses only when an exact count (within one slice of the window) would also be full', () => {
    fc.assert(
      fc.property(scenarios, ({ limit, windowMs, list }) => {
        const { admitted, refused } = run(limit, windowMs, list);
        const slack = Math.ceil(windowMs / SLICES);
        for (const r of refused) {
          if (r.units > limit) {
            expect(r.retryAfterMs).toBeNull();
            continue;
          }
          const widened = admitted.filter((e) => e.at <= r.at && e.at > r.at - windowMs - slack);
          expect(widened.reduce((sum, e) => sum + e.units, 0) + r.units).toBeGreaterThan(limit);
          expect(r.retryAfterMs).toBeGreaterThan(0);
          expect(r.retryAfterMs).toBeLessThanOrEqual(windowMs + slack);
        }
      }),
    );
  });

  it('keeps at most one slice per hundredth of the window, however many events a key sees', () => {
    let slices: readonly Slice[] = [];
    const start = Date.parse('2026-11-21T12:00:00.000Z');
    for (let i = 0; i < 10_000; i += 1) {
      const decision = admit(slices, { limit: 1_000_000, windowMs: 60_000 }, start + i * 37, 1);
      if (decision.allowed) slices = decision.slices;
    }
    expect(slices.length).toBeLessThanOrEqual(SLICES + 1);
  });
});
