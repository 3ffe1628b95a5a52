import type { z } from 'zod';
import type { crmWriter } from '../../store/crm-writer.js';
import type { ImportQueries } from '../../store/import-queries.js';
import type { ColumnSpec, CsvRecord } from './csv-table.js';
import { rowError, type RowError } from './row-error.js';

export type ImportEntity = 'companies' | 'contacts' | 'projects' | 'bids';
export type CrmWriter = ReturnType<typeof crmWriter>;

export interface PlanContext {
  readonly queries: ImportQueries;
  /** The import's timestamp (ISO); rows are created at this instant. */
  readonly now: string;
}

/** The validated, resolved rows of one file, ready to write; `errors` empty means writable. */
export interface PlannedRows {
  readonly count: number;
  readonly errors: RowError[];
  write(writer: CrmWriter): Promise<void>;
}

/** One importable entity: its columns (the CSV format) and how rows become CRM rows. */
export interface EntityImport {
  readonly entity: ImportEntity;
  readonly columns: readonly ColumnSpec[];
  plan(records: readonly CsvRecord[], context: PlanContext): Promise<PlannedRows>;
}

export interface ValidRow<T> {
  readonly line: number;
  readonly row: T;
}

/** Runs the row schema over every record, collecting every cell error (not just the first). */
export function validateRecords<S extends z.ZodType>(
  records: readonly CsvRecord[],
  schema: S,
): { valid: ValidRow<z.output<S>>[]; errors: RowError[] } {
  const valid: ValidRow<z.output<S>>[] = [];
  const errors: RowError[] = [];
  for (const record of records) {
    const result = schema.safeParse(record.values);
    if (result.success) valid.push({ line: record.line, row: result.data });
    else
      for (const issue of result.error.issues)
        errors.push(
          rowError(record.line, issue.path.length > 0 ? String(issue.path[0]) : null, issue.message),
        );
  }
  return { valid, errors };
}

/**
 * Reports every row whose key repeats an earlier row of the same file, and returns the rows
 * whose key is new. Keys are compared as given (callers pass lower-cased keys).
 */
export function rejectFileDuplicates<T>(
  rows: readonly ValidRow<T>[],
  keyOf: (row: T) => string,
  column: string,
  errors: RowError[],
): ValidRow<T>[] {
  const firstLine = new Map<string, number>();
  return rows.filter(({ line, row }) => {
    const key = keyOf(row);
    const first = firstLine.get(key);
    if (first === undefined) {
      firstLine.set(key, line);
      return true;
    }
    errors.push(rowError(line, column, `duplicates line ${first} of this file`));
    return false;
  });
}

/** Lower-cased, trimmed: how company names, emails and project names are matched. */
export const keyOf = (value: string) => value.trim().toLowerCase();

/** Resolves an optional company name to its id, reporting a name not in the tenant. */
export function companyReference(
  companies: ReadonlyMap<string, string>,
  name: string | null,
  line: number,
  column: string,
  errors: RowError[],
): string | null | undefined {
  if (name === null) return null;
  const id = companies.get(keyOf(name));
  if (id === undefined)
    errors.push(rowError(line, column, `no company named "${name}" in this tenant; import companies first`));
  return id;
}
