/**
 * One problem in an import file. `row` is the 1-based line in the file where the record starts
 * (the header is line 1), so a person can jump straight to it; `column` is the header name, or
 * null when the problem is the whole record (wrong number of fields, unreadable quoting).
 */
export interface RowError {
  readonly row: number;
  readonly column: string | null;
  readonly message: string;
}

export function rowError(row: number, column: string | null, message: string): RowError {
  return { row, column, message };
}

/** "line 7, column email: not an email address" — the text-mode rendering of a RowError. */
export function describeRowError(error: RowError): string {
  const where = error.column === null ? `line ${error.row}` : `line ${error.row}, column ${error.column}`;
  return `${where}: ${error.message}`;
}

/** Errors in file order, then column order as reported. */
export function sortRowErrors(errors: readonly RowError[]): RowError[] {
  return errors
    .map((error, index) => ({ error, index }))
    .sort((a, b) => a.error.row - b.error.row || a.index - b.index)
    .map(({ error }) => error);
}
