import type { Database as SqliteConnection, Statement } from 'better-sqlite3';
import type { SqliteStatement } from 'kysely';

/**
 * Tables of short-lived counters (rate-limit windows): a count lost to a power cut only lets one
 * key a few more events within the minute around it. Everything else keeps FULL.
 */
const COUNTER_TABLES = ['"rate_limit_windows"'];
const writesCounter = (sql: string) =>
  /^\s*(insert into|update)\s/i.test(sql) && COUNTER_TABLES.some((table) => sql.includes(table));

/**
 * SQLite with `synchronous = FULL` fsyncs the WAL on every commit, and better-sqlite3 runs on
 * the event loop, so each commit blocks every request for the fsync (~1–7 ms on the benchmark
 * VM). The per-grant tool-call limit commits one counter write per OAuth `tools/call`, which made
 * the fsync the largest cost of an authenticated call. A counter write made on its own (not
 * inside a transaction) therefore commits with `synchronous = NORMAL` and FULL is restored at
 * once, in the same synchronous call, so no other statement can run in between. Under WAL,
 * NORMAL is still consistent after a crash or power cut; such a commit is only durable at the next
 * FULL commit or checkpoint, which fsyncs the WAL frames written before it. Counter writes inside
 * a transaction (a send's quota, taken with its outbox row) are untouched: they commit with it.
 */
export function relaxCounterWrites(connection: SqliteConnection) {
  const normal = connection.prepare('PRAGMA synchronous = NORMAL');
  const full = connection.prepare('PRAGMA synchronous = FULL');
  return (sql: string, statement: Statement): SqliteStatement => {
    if (!writesCounter(sql) || statement.reader) return statement;
    return {
      reader: false,
      all: (parameters) => statement.all(parameters),
      iterate: (parameters) => statement.iterate(parameters),
      run: (parameters) => {
        if (connection.inTransaction) return statement.run(parameters);
        normal.run();
        try {
          return statement.run(parameters);
        } finally {
          full.run();
        }
      },
    };
  };
}
