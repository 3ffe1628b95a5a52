import { type RawBuilder, sql } from 'kysely';

/**
 * A query's LIMIT written into its SQL as an integer literal instead of a bound parameter.
 * SQLite (3.53, as better-sqlite3 builds it) lets a bound LIMIT's value shape the statement's
 * plan, so binding it marks the statement for preparing again: every run of a cached statement
 * holding `LIMIT ?` parsed and planned its SQL anew. On the benchmark's page of 20 projects
 * that was ~159 K of ~1,400 K instructions per request (bench/README.md, issue 8 seventh pass);
 * with a literal the cached statement runs as prepared. Each distinct limit is a statement text
 * of its own (a tool's page is 1–100 rows, most calls the default). The same SQL on PostgreSQL.
 * Only integers reach the SQL text: anything else is refused before a query is built.
 */
export function rowLimit(limit: number): RawBuilder<number> {
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw new RangeError(`A row limit must be a non-negative integer, not ${String(limit)}.`);
  return sql.lit(limit);
}
