import { z } from 'zod';

/**
 * Cell parsers for import rows. Every cell arrives as a string (absent optional columns as '');
 * each parser trims it, treats '' as "no value", and reports a message written for the person
 * fixing the file. Text that a spreadsheet would evaluate as a formula (=, +, -, @ first) is
 * refused rather than stored, so imported data can never turn into a formula on a later export.
 */
type Cell<T> = z.ZodType<T, string>;

const FORMULA_START = /^[=+\-@\t\r]/;
// Deliberately matches control characters: they have no place in CRM text.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** What a parser returns instead of a value when the cell is wrong. */
class Problem {
  constructor(readonly message: string) {}
}
const problem = (message: string) => new Problem(message);

function cell<T>(parseValue: (value: string) => T | Problem, required: boolean): Cell<T | null> {
  return z.string().transform((raw, context) => {
    // NFC, so "Café" typed on a Mac and on Windows is one name (and one name_key).
    const value = raw.trim().normalize('NFC');
    if (value === '') {
      if (!required) return null;
      context.addIssue({ code: 'custom', message: 'is required' });
      return z.NEVER;
    }
    const parsed = parseValue(value);
    if (parsed instanceof Problem) {
      context.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    }
    return parsed;
  });
}

function textValue(max: number, multiline: boolean) {
  return (value: string) => {
    if (FORMULA_START.test(value))
      return problem('starts like a spreadsheet formula (=, +, -, @); remove the leading character');
    if (CONTROL.test(value) || (!multiline && /[\r\n]/.test(value)))
      return problem(multiline ? 'contains control characters' : 'must be a single line');
    if (value.length > max) return problem(`is longer than ${max} characters`);
    return value;
  };
}

export const requiredText = (max = 200) => cell(textValue(max, false), true) as Cell<string>;
export const optionalText = (max = 200, multiline = false) => cell(textValue(max, multiline), false);

/** One of `values`; "General Contractor" and "general-contractor" both match `general_contractor`. */
export function choice<const T extends readonly string[]>(values: T): Cell<T[number]> {
  return cell((value) => {
    const normalized = value.toLowerCase().replace(/[\s-]+/g, '_');
    return values.includes(normalized) ? normalized : problem(`must be one of ${values.join(', ')}`);
  }, true) as Cell<T[number]>;
}

const emailShape = z.email();
function emailValue(value: string) {
  return value.length <= 254 && emailShape.safeParse(value).success
    ? value
    : problem('is not an email address (e.g. jane@example.com)');
}
export const requiredEmail = () => cell(emailValue, true) as Cell<string>;
export const optionalEmail = () => cell(emailValue, false);

export const phone = () =>
  cell(
    (value) =>
      /^\+?[0-9(][0-9 ().\-/]{2,38}(\s*(x|ext\.?)\s*[0-9]{1,6})?$/i.test(value)
        ? value
        : problem('is not a phone number (digits, spaces, + ( ) - . and an optional "ext 12")'),
    false,
  );

export const website = () =>
  cell((value) => {
    const candidate = /^[a-z][a-z0-9+.-]*:/i.test(value) ? value : `https://${value}`;
    try {
      const url = new URL(candidate);
      if (
        (url.protocol === 'https:' || url.protocol === 'http:') &&
        url.hostname.includes('.') &&
        value.length <= 300
      )
        return value;
    } catch {
      // fall through to the message
    }
    return problem('is not a web address (e.g. acme.example or https://acme.example)');
  }, false);

/** Largest amount accepted: a trillion dollars keeps cents far inside exact integers. */
const MAX_DOLLARS = 1_000_000_000_000;

/** Dollars as written by people — 1250000, 1,250,000.50, $1,250,000 — to integer cents, exactly. */
function centsValue(value: string): number | Problem {
  const match = /^\$?((?:\d{1,3}(?:,\d{3})+)|\d+)(?:\.(\d{1,2}))?$/.exec(value.replace(/\s/g, ''));
  if (match === null) return problem('is not an amount in dollars (e.g. 1250000 or 1,250,000.50)');
  const dollars = Number((match[1] ?? '').replace(/,/g, ''));
  if (dollars > MAX_DOLLARS) return problem('is larger than a trillion dollars');
  return dollars * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}
export const requiredMoney = () => cell(centsValue, true) as Cell<number>;
export const optionalMoney = () => cell(centsValue, false);

function dateValue(value: string): string | Problem {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match === null) return problem('is not a date in YYYY-MM-DD form');
  const parsed = new Date(`${value}T00:00:00.000Z`);
  return Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value
    ? problem('is not a calendar date')
    : value;
}
export const optionalDate = () => cell(dateValue, false);

/** `2026-10-01` (midnight UTC) or an ISO date-time with a zone (`2026-10-01T14:30:00Z`, `…+02:00`). */
export const optionalInstant = () =>
  cell((value) => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      const date = dateValue(value);
      return date instanceof Problem ? date : `${date}T00:00:00.000Z`;
    }
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.test(value))
      return problem('is not an ISO date or date-time (e.g. 2026-10-01 or 2026-10-01T14:30:00Z)');
    const parsed = new Date(value);
    return Number.isNaN(parsed.getTime()) ? problem('is not a real date-time') : parsed.toISOString();
  }, false);

/** `123` or `#123`. */
export const bidNumber = () =>
  cell((value) => {
    const match = /^#?\s*(\d{1,9})$/.exec(value);
    const number = match === null ? 0 : Number(match[1]);
    return number >= 1 ? number : problem('is not a bid number (e.g. 123 or #123)');
  }, true) as Cell<number>;
