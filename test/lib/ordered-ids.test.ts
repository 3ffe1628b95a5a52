import { expect, it } from 'vitest';
import { newOrderedId } from '../../src/lib/ids.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

it('is a version-7 UUID whose first 48 bits are the Unix milliseconds it was made at', () => {
  const at = Date.UTC(2026, 11, 2, 21, 0, 0, 123);
  const id = newOrderedId(at);
  expect(id).toMatch(UUID_V7);
  expect(Number.parseInt(id.replace('-', '').slice(0, 12), 16)).toBe(at);
});

it('sorts by the millisecond it was made in, as text, and never repeats', () => {
  const ids = Array.from({ length: 2000 }, (_, i) => newOrderedId(1_700_000_000_000 + Math.floor(i / 10)));
  const millis = (id: string) => id.slice(0, 13);
  expect([...ids].sort().map(millis)).toEqual(ids.map(millis));
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(id).toMatch(UUID_V7);
});
