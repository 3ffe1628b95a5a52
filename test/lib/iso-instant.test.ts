import fc from 'fast-check';
import { expect, it } from 'vitest';
import { daysBetween } from '../../src/lib/clock.js';
import { instantMs } from '../../src/lib/iso-instant.js';

// What bids' days_in_status were before the by-hand reading: Date.parse, the reference.
const DAY_MS = 86_400_000;
const daysBefore = (from: string, to: Date) => Math.floor((to.getTime() - Date.parse(from)) / DAY_MS);

/** Same number, NaN included (toBe treats NaN as equal to NaN and tells -0 from 0). */
const same = (text: string) => {
  expect(instantMs(text), text).toBe(Date.parse(text));
};

it('reads every edge exactly as Date.parse does', () => {
  const edges = [
    '1970-01-01T00:00:00.000Z',
    '1969-12-31T23:59:59.999Z',
    '2026-12-31T23:59:59.999Z',
    '2027-01-01T00:00:00.000Z',
    '2026-01-31T23:59:59.999Z',
    '2026-02-01T00:00:00.000Z',
    '2024-02-29T12:00:00.000Z', // leap day
    '2000-02-29T00:00:00.000Z', // leap: divisible by 400
    '1900-02-29T00:00:00.000Z', // not a leap year: Date.parse rolls it to 1 March
    '2100-02-29T00:00:00.000Z',
    '2026-02-29T00:00:00.000Z',
    '2026-02-30T00:00:00.000Z',
    '2026-02-31T00:00:00.000Z',
    '2026-04-31T00:00:00.000Z',
    '2026-01-32T00:00:00.000Z',
    '2026-01-00T00:00:00.000Z',
    '2026-00-01T00:00:00.000Z',
    '2026-13-01T00:00:00.000Z',
    '2026-01-01T24:00:00.000Z',
    '2026-01-01T23:60:00.000Z',
    '2026-01-01T23:59:60.000Z',
    '0000-01-01T00:00:00.000Z',
    '0001-01-01T00:00:00.000Z',
    '0099-12-31T23:59:59.999Z', // Date.UTC would read the year as 1999
    '0100-01-01T00:00:00.000Z',
    '1000-01-01T00:00:00.000Z',
    '9999-12-31T23:59:59.999Z',
    '+010000-01-01T00:00:00.000Z',
    '-000001-12-31T23:59:59.999Z',
    '+275760-09-13T00:00:00.000Z',
    '2026-12-03T05:54:31Z',
    '2026-12-03T05:54:31.1Z',
    '2026-12-03T05:54:31.123+02:00',
    '2026-12-03T05:54:31.1234Z',
    '2026-12-03t05:54:31.123z',
    '2026-12-03 05:54:31.123Z',
    '2026-12-03T05:54:31.123',
    '2026-12-03',
    '2026-12-0aT05:54:31.123Z',
    '2026-12-03T05:54:31.12 Z',
    '2026-+2-03T05:54:31.123Z',
    '2026-12-03T05:54:31.-12Z',
    '２０２６-12-03T05:54:31.123Z', // full-width digits
    '٢٠٢٦-12-03T05:54:31.123Z', // Arabic-Indic digits
    '',
    'not a date at all, 24 ch',
  ];
  for (const text of edges) same(text);
});

it('reads every instant toISOString writes as Date.parse does', () => {
  // Years 0000–9999 (the form read by hand), then any date (six-digit years go to Date.parse).
  const fourDigitYears = fc.date({
    min: new Date('0000-01-01T00:00:00.000Z'),
    max: new Date('9999-12-31T23:59:59.999Z'),
    noInvalidDate: true,
  });
  for (const dates of [fourDigitYears, fc.date({ noInvalidDate: true })])
    fc.assert(
      fc.property(dates, (date) => {
        same(date.toISOString());
      }),
      { numRuns: 20_000 },
    );
});

it('reads text of the stored shape with any field out of range as Date.parse does', () => {
  const field = (width: number) =>
    fc.integer({ min: 0, max: 10 ** width - 1 }).map((n) => String(n).padStart(width, '0'));
  fc.assert(
    fc.property(
      fc.tuple(field(4), field(2), field(2), field(2), field(2), field(2), field(3)),
      ([year, month, day, hour, minute, second, ms]) => {
        same(`${year}-${month}-${day}T${hour}:${minute}:${second}.${ms}Z`);
      },
    ),
    { numRuns: 20_000 },
  );
});

it('reads any 24 characters of the shape’s alphabet as Date.parse does', () => {
  const alphabet = '0123456789-:.TZtz+ '.split('');
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...alphabet), { minLength: 24, maxLength: 24 }), (chars) => {
      same(chars.join(''));
    }),
    { numRuns: 20_000 },
  );
});

it('counts days in status as before, at every day boundary', () => {
  const since = fc.date({
    min: new Date('1900-01-01T00:00:00.000Z'),
    max: new Date('2100-01-01T00:00:00.000Z'),
    noInvalidDate: true,
  });
  fc.assert(
    fc.property(
      since,
      fc.integer({ min: -400, max: 40_000 }),
      fc.constantFrom(-1, 0, 1, 12_345),
      (from, days, offset) => {
        const text = from.toISOString();
        const now = new Date(from.getTime() + days * DAY_MS + offset);
        expect(daysBetween(text, now)).toBe(daysBefore(text, now));
      },
    ),
    { numRuns: 20_000 },
  );
});
