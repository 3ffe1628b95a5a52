/**
 * What a database error means for whoever asked, read from the driver's error codes (never from
 * which dialect is in use):
 * - `conflict`: the stored state changed under the caller (a unique key another writer took, a
 *   referenced row another writer removed); the caller's to resolve.
 * - `transient`: the database is unreachable, shutting down, busy or made us retry (deadlock,
 *   serialisation); nobody's fault, it passes with time.
 * - `fault`: anything else (a failing trigger, a NOT NULL or CHECK our own validation should have
 *   caught, a closed pool): a server fault, never reported as the caller's.
 */
export type DatabaseFault = 'conflict' | 'transient' | 'fault';

/** SQLite extended result codes (better-sqlite3 `SqliteError.code`). */
const SQLITE_CONFLICT = new Set([
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
  'SQLITE_CONSTRAINT_FOREIGNKEY',
]);
const SQLITE_TRANSIENT = /^SQLITE_(BUSY|LOCKED)/;

/** PostgreSQL SQLSTATEs (appendix A): unique and foreign-key violations. */
const PG_CONFLICT = new Set(['23505', '23503']);
/**
 * Class 08 (connection exception), 40001/40P01 (serialisation failure, deadlock), 53300 (too many
 * connections), 57P01–57P03 (shutdown, cannot connect now).
 */
const PG_TRANSIENT = /^(08...|40001|40P01|53300|57P0[123])$/;

/** Socket errors from node:net when the server is down or the connection drops. */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
/** node-postgres reports a dropped or timed-out connection without a code. */
const PG_CONNECTION_LOST = /^Connection terminated|timeout exceeded when trying to connect/;

export function databaseFault(error: unknown): DatabaseFault {
  if (!(error instanceof Error)) return 'fault';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (SQLITE_CONFLICT.has(code) || PG_CONFLICT.has(code)) return 'conflict';
    if (SQLITE_TRANSIENT.test(code) || PG_TRANSIENT.test(code) || NETWORK.has(code)) return 'transient';
    return 'fault';
  }
  // A pool that could not connect at all wraps the socket errors in an AggregateError.
  if (error instanceof AggregateError && error.errors.some((e) => databaseFault(e) === 'transient'))
    return 'transient';
  return PG_CONNECTION_LOST.test(error.message) ? 'transient' : 'fault';
}
