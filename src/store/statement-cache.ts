import type { Database as SqliteConnection, Statement } from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Kysely's SQLite driver prepares every query anew (`db.prepare(sql)` per execution), which was
 * ~5% of server CPU on the benchmark. Repository queries have a small, fixed set of SQL texts
 * (values are bound parameters), so a prepared statement is kept per SQL text and reused. The
 * cache is bounded: past `limit` texts the oldest is dropped, so ad-hoc SQL cannot grow it.
 */
export function withStatementCache(
  connection: SqliteConnection,
  limit = 256,
  /**
   * Told every SQL text before each run, cached or not (tests: the tenant statement guard, which
   * judges a statement by the scope it runs in as well as by its text).
   */
  check?: (sql: string) => void,
  /** Wraps a freshly prepared statement (relaxed-counters.ts); kept wrapped in the cache. */
  wrap: (sql: string, statement: Statement) => SqliteStatement = (_, statement) => statement,
): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => connection.close(),
    prepare(sql: string) {
      check?.(sql);
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = wrap(sql, connection.prepare(sql));
        if (statements.size >= limit) statements.delete(statements.keys().next().value as string);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
