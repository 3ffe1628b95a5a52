/**
 * Epoch milliseconds of an instant, as `Date.parse` gives them, for text in the one form every
 * writer of the CRM's timestamps stores: `Date.prototype.toISOString`'s `2026-12-03T05:54:31.123Z`
 * (the import normalises what people write to it, the server writes it from its clock). That form
 * is read field by field here: V8's generic date parser cost ~1 K instructions a value, ~21 K per
 * `bids.list` page of 20 (bench/README.md, issue 8 eighth pass). Any other text (an offset, no
 * milliseconds, a six-digit year, a year before 100, which `Date.UTC` would read as 19xx, a field
 * out of range, not a date at all) goes to `Date.parse` itself, so the answer is Date.parse's for
 * every string. A day 29–31 past its month's end rolls over into the next month, as Date.parse
 * does (`2026-02-30` is 2 March).
 */
export function instantMs(text: string): number {
  if (
    text.length !== 24 ||
    text.charCodeAt(4) !== DASH ||
    text.charCodeAt(7) !== DASH ||
    text.charCodeAt(10) !== LETTER_T ||
    text.charCodeAt(13) !== COLON ||
    text.charCodeAt(16) !== COLON ||
    text.charCodeAt(19) !== DOT ||
    text.charCodeAt(23) !== LETTER_Z
  )
    return Date.parse(text);
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const ms = digits(text, 20, 3);
  if (
    year < 100 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59 ||
    ms < 0
  )
    return Date.parse(text);
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

const DASH = 0x2d;
const COLON = 0x3a;
const DOT = 0x2e;
const LETTER_T = 0x54;
const LETTER_Z = 0x5a;
const DIGIT_0 = 0x30;

/** The decimal number `count` characters long at `start`, or -1 if any of them is not a digit. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - DIGIT_0;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}
