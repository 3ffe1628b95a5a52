import { parse, CsvError } from 'csv-parse/sync';
import { invalidInput } from '../errors.js';
import { rowError, type RowError } from './row-error.js';

/** Files larger than this are refused before parsing; split them. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
/** Data rows (not counting the header) per file. */
export const MAX_IMPORT_ROWS = 100_000;
/** Characters in one record; a runaway quoted field stops here instead of eating memory. */
const MAX_RECORD_CHARS = 64 * 1024;

export interface ColumnSpec {
  readonly name: string;
  readonly required: boolean;
  /** One line for docs/cli.md and error hints. */
  readonly description: string;
}

export interface CsvRecord {
  /** Line in the file where the record starts (the header is line 1). */
  readonly line: number;
  /** Every declared column; absent optional columns are ''. */
  readonly values: Readonly<Record<string, string>>;
}

export interface CsvTable {
  /** Data records read (the header and blank lines not counted), including those in `errors`. */
  readonly rows: number;
  readonly records: CsvRecord[];
  readonly errors: RowError[];
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** "First Name" / "first-name" / " FIRST_NAME " all mean `first_name`. */
export function normalizeHeader(cell: string): string {
  return cell
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/**
 * Parses an import file into records keyed by the declared columns. The header row is required;
 * unknown, duplicated or missing required columns are reported against line 1. A UTF-8 BOM is
 * dropped, CRLF, LF and CR line ends are accepted, cells are trimmed, blank lines are skipped.
 * File-level limits (size, encoding, row count) throw a DomainError instead of row errors.
 */
export function parseCsvTable(bytes: Uint8Array, columns: readonly ColumnSpec[]): CsvTable {
  if (bytes.byteLength > MAX_IMPORT_BYTES)
    throw invalidInput(
      `The file is ${megabytes(bytes.byteLength)} MB; imports are limited to ${megabytes(MAX_IMPORT_BYTES)} MB.`,
      'Split the file into smaller files and import them one after another.',
    );
  const body = UTF8_BOM.every((byte, index) => bytes[index] === byte) ? bytes.subarray(3) : bytes;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw invalidInput('The file is not valid UTF-8 text.', 'Save the file as "CSV UTF-8" and try again.');
  }
  const lineOf = lineIndex(body);
  const raw: { line: number; fields: string[] }[] = [];
  let consumed = 0;
  const errors: RowError[] = [];
  try {
    parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength), {
      relax_column_count: true,
      // A stray quote inside an unquoted cell is kept as text rather than ending the parse.
      relax_quotes: true,
      skip_empty_lines: true,
      max_record_size: MAX_RECORD_CHARS,
      trim: true,
      on_record: (fields: string[], info) => {
        const line = lineOf(firstContentByte(body, consumed));
        consumed = info.bytes;
        // Rows of empty cells (",,,," from spreadsheets) are skipped like blank lines.
        if (fields.every((field) => field === '')) return null;
        raw.push({ line, fields });
        if (raw.length > MAX_IMPORT_ROWS + 1)
          throw invalidInput(
            `The file has more than ${MAX_IMPORT_ROWS} rows.`,
            `Split it into files of at most ${MAX_IMPORT_ROWS} rows.`,
          );
        return null;
      },
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // The parser cannot continue past broken quoting; report where the broken record starts.
    errors.push(rowError(lineOf(firstContentByte(body, consumed)), null, csvMessage(error)));
  }

  const [header, ...rows] = raw;
  if (header === undefined) {
    if (errors.length > 0) return { rows: 0, records: [], errors };
    throw invalidInput('The file is empty.', `The first line must name the columns: ${names(columns)}.`);
  }
  const headerNames = header.fields.map(normalizeHeader);
  errors.push(...headerErrors(headerNames, columns));
  if (errors.some((error) => error.row === 1)) return { rows: rows.length, records: [], errors };

  const records: CsvRecord[] = [];
  for (const row of rows) {
    if (row.fields.length !== headerNames.length) {
      errors.push(
        rowError(
          row.line,
          null,
          `has ${row.fields.length} fields but the header has ${headerNames.length}; quote cells that contain commas`,
        ),
      );
      continue;
    }
    const values: Record<string, string> = Object.fromEntries(columns.map((column) => [column.name, '']));
    headerNames.forEach((name, index) => (values[name] = row.fields[index] ?? ''));
    records.push({ line: row.line, values });
  }
  return { rows: rows.length, records, errors };
}

function headerErrors(headerNames: string[], columns: readonly ColumnSpec[]): RowError[] {
  const known = new Set(columns.map((column) => column.name));
  const errors: RowError[] = [];
  headerNames.forEach((name, index) => {
    if (name === '') errors.push(rowError(1, null, `column ${index + 1} has no name in the header`));
    else if (!known.has(name))
      errors.push(rowError(1, name, `unknown column; the columns are ${names(columns)}`));
    else if (headerNames.indexOf(name) !== index) errors.push(rowError(1, name, 'column appears twice'));
  });
  for (const column of columns)
    if (column.required && !headerNames.includes(column.name))
      errors.push(rowError(1, column.name, 'required column is missing from the header'));
  return errors;
}

const names = (columns: readonly ColumnSpec[]) => columns.map((column) => column.name).join(', ');
const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '');

function csvMessage(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted cell is never closed; check the quotes from this line on';
    case 'CSV_MAX_RECORD_SIZE':
      return `a record is longer than ${MAX_RECORD_CHARS} characters (an unbalanced quote?)`;
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quote inside a cell must be doubled ("") and the cell quoted';
    default:
      return `unreadable CSV: ${error.message}`;
  }
}

/** Skips the line ends (blank lines) between the previous record and the next one. */
function firstContentByte(body: Uint8Array, from: number): number {
  let at = from;
  while (at < body.length && (body[at] === 0x0a || body[at] === 0x0d)) at += 1;
  return at;
}

/** Maps a byte offset to its 1-based line; CRLF, LF and a lone CR each end one line. */
function lineIndex(body: Uint8Array): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < body.length; i += 1) {
    if (body[i] === 0x0a || (body[i] === 0x0d && body[i + 1] !== 0x0a)) starts.push(i + 1);
  }
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
}
