import type { Statement } from 'better-sqlite3';
import type { SqliteStatement } from 'kysely';

/**
 * better-sqlite3 builds each result row through V8's C++ API, one named property set per
 * column: on the benchmark's page of 20 projects (11 columns) that was about two thirds of the
 * query's CPU, SQLite's own work the other third. The same statement in `raw` mode returns
 * arrays in about a third less CPU, and building the objects here with the column names read
 * once costs a few µs; the rows are the same (same keys in the same order, a later duplicate
 * name wins as before).
 *
 * Only for statements whose text has no `*`: a statement that names each column keeps its names
 * however the schema changes, while `select *` (re-prepared by SQLite after a migration or a
 * table rebuild) could change its columns under names read once. Anything with a `*` — and a
 * `__proto__` column, which an assignment would not store as a key — keeps better-sqlite3's
 * own objects.
 */
export function objectRows(sql: string, statement: Statement): SqliteStatement {
  if (!statement.reader || sql.includes('*')) return statement;
  const names = statement.columns().map((column) => column.name);
  if (names.includes('__proto__')) return statement;
  statement.raw(true);
  const toObject = rowBuilder(names);
  return {
    reader: true,
    all: (parameters) => (statement.all(parameters) as unknown[][]).map(toObject),
    *iterate(parameters) {
      for (const values of statement.iterate(parameters) as IterableIterator<unknown[]>)
        yield toObject(values);
    },
    run: (parameters) => statement.run(parameters),
  };
}

/**
 * The row as an object literal of these names, compiled once per statement: `{ "id": values[0],
 * "name": values[1], … }`. Set one name at a time (`row[name] = value`), every store went
 * through V8's megamorphic keyed-store path (a page of 20 projects: 180 stores, ~50 K
 * instructions per request; bench/README.md, issue 8 seventh pass); a literal of fixed names is
 * allocated from one shape. Each name is written as a JSON string literal, so a column name is
 * only ever a property name, whatever it holds; keys, their order and a later duplicate winning
 * are the assignments' (test/store/row-objects.test.ts). A `__proto__` column never gets here.
 */
function rowBuilder(names: readonly string[]): (values: unknown[]) => Record<string, unknown> {
  const fields = names.map((name, index) => `${JSON.stringify(name)}: values[${index}]`).join(', ');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- built from JSON string literals and indices only
  return new Function('values', `return { ${fields} };`) as (values: unknown[]) => Record<string, unknown>;
}
