/**
 * Epoch milliseconds of an instant, as `Date.parse` gives them, for text in the one form every
 * writer of the CRM's timestamps stores: `Date.prototype.toISOString`'s `2026-12-03T05:54:31.123Z`
 * for years 0000–9999 (the import normalises what people write to it, the server writes it from
 * its clock). That form is read field by field, in integer arithmetic: V8's generic date parser
 * (and, tried, its `Date.UTC`) cost hundreds of instructions a value on every `bids.list` row
 * (bench/README.md, issue 8 eighth pass). Any other text (an offset, no milliseconds, a six-digit
 * year, a field out of range, not a date at all) goes to `Date.parse` itself, so the answer is
 * Date.parse's for every string. A day 29–31 past its month's end is counted on into the next
 * month, as Date.parse does (`2026-02-30` is 2 March).
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
    year < 0 ||
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
  return daysFromCivil(year, month, day) * DAY_MS + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms;
}

const DAY_MS = 86_400_000;

/**
 * Days from 1970-01-01 to a day of the proleptic Gregorian calendar (H. Hinnant's
 * days_from_civil). `Date.UTC` gives the same, at ~470 instructions a call in V8's C++
 * builtins. A day past its month's end is counted on into the next month, as Date.parse does.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
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
