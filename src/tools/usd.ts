/** The reference rendering: whole US dollars, en-US grouping, ICU's rounding (half away from zero). */
const usdFormat = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 0,
});

/**
 * Whole dollars as `usdFormat.format` writes them (`$1,234,567`, `-$3`, `-$0`), by hand for
 * every value up to 2^53 − 1 in size. Through `Intl.NumberFormat` a value cost ~3.9 K
 * instructions (ICU's formatter, number parts, string builder): 79 K of ~1,400 K per
 * `projects.list` page of 20 (bench/README.md, issue 8 seventh pass). The rounding is the same:
 * ICU rounds the shortest decimal of the value half away from zero, and `Math.round` of the
 * magnitude does so too — a value lies on the same side of `k.5` as its shortest decimal, since
 * `k.5` is itself a value (below 2^52; above it every value is whole). NaN, ±∞ and larger values
 * go to ICU. test/tools/usd.test.ts compares the two over random values and every edge.
 */
export function wholeDollars(value: number): string {
  const magnitude = Math.abs(value);
  if (!(magnitude <= Number.MAX_SAFE_INTEGER)) return usdFormat.format(value);
  const digits = String(Math.round(magnitude));
  const head = ((digits.length - 1) % 3) + 1;
  let grouped = digits.slice(0, head);
  for (let at = head; at < digits.length; at += 3) grouped += `,${digits.slice(at, at + 3)}`;
  // Negative zero too: ICU writes `-$0` for -0 and for what rounds to it (-0.4).
  return value < 0 || Object.is(value, -0) ? `-$${grouped}` : `$${grouped}`;
}
