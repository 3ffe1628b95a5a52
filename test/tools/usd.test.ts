import fc from 'fast-check';
import { expect, it } from 'vitest';
import { wholeDollars } from '../../src/tools/usd.js';

// What the list lines wrote before the by-hand path: ICU's formatter, the reference.
const icu = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

it('writes whole dollars exactly as Intl.NumberFormat does at every edge', () => {
  const edges = [
    0,
    -0,
    0.4,
    -0.4,
    0.5,
    -0.5,
    0.49999999999999994,
    -0.49999999999999994,
    1.5,
    2.5,
    -2.5,
    999,
    999.5,
    1000,
    1000.49,
    9999.5,
    99_999.5,
    999_999.5,
    1_234_567.49,
    -1_234_567.5,
    1e15 + 0.5,
    2 ** 52 - 0.5,
    2 ** 52,
    2 ** 52 + 1,
    Number.MAX_SAFE_INTEGER,
    -Number.MAX_SAFE_INTEGER,
    2 ** 53,
    2 ** 60,
    1e21,
    -1e21,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    -Number.MIN_VALUE,
    NaN,
    Infinity,
    -Infinity,
  ];
  for (const value of edges) expect(wholeDollars(value), String(value)).toBe(icu.format(value));
});

it('writes every amount in cents, as the store holds them, as Intl.NumberFormat does', () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.integer({ min: -100_000, max: 100_000 })),
      (cents) => {
        expect(wholeDollars(cents / 100)).toBe(icu.format(cents / 100));
      },
    ),
    { numRuns: 20_000 },
  );
});

it('writes any double as Intl.NumberFormat does', () => {
  fc.assert(
    fc.property(fc.double(), fc.double({ min: -1e7, max: 1e7 }), (any, near) => {
      expect(wholeDollars(any)).toBe(icu.format(any));
      expect(wholeDollars(near)).toBe(icu.format(near));
      // Halves, where the rounding direction shows.
      const half = Math.trunc(near) + 0.5;
      expect(wholeDollars(half)).toBe(icu.format(half));
    }),
    { numRuns: 20_000 },
  );
});
